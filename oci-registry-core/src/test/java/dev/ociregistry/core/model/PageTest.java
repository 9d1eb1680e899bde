package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paging a sorted listing after {@code last} with a count limit. */
class PageTest {
  private static final List<String> ITEMS = List.of("b", "d", "f", "h");

  @Test
  void withoutLastStartsAtTheBeginning() {
    Page<String> page = Page.of(ITEMS, null, 2);

    assertThat(page.items()).containsExactly("b", "d");
    assertThat(page.more()).isTrue();
  }

  @Test
  void lastBeforeAllItemsStartsAtTheBeginning() {
    Page<String> page = Page.of(ITEMS, "a", 2);

    assertThat(page.items()).containsExactly("b", "d");
    assertThat(page.more()).isTrue();
  }

  @Test
  void lastEqualToAnItemStartsAfterIt() {
    Page<String> page = Page.of(ITEMS, "d", 2);

    assertThat(page.items()).containsExactly("f", "h");
    assertThat(page.more()).isFalse();
  }

  @Test
  void lastBetweenItemsStartsAtTheNextOne() {
    Page<String> page = Page.of(ITEMS, "e", 1);

    assertThat(page.items()).containsExactly("f");
    assertThat(page.more()).isTrue();
  }

  @Test
  void lastEqualToTheFinalItemGivesAnEmptyPageWithoutMore() {
    Page<String> page = Page.of(ITEMS, "h", 10);

    assertThat(page.items()).isEmpty();
    assertThat(page.more()).isFalse();
  }

  @Test
  void lastAfterTheEndGivesAnEmptyPageWithoutMore() {
    Page<String> page = Page.of(ITEMS, "z", 10);

    assertThat(page.items()).isEmpty();
    assertThat(page.more()).isFalse();
  }

  @Test
  void limitZeroGivesAnEmptyPageThatSaysWhetherItemsRemain() {
    assertThat(Page.of(ITEMS, null, 0).items()).isEmpty();
    assertThat(Page.of(ITEMS, null, 0).more()).isTrue();
    assertThat(Page.of(ITEMS, "f", 0).more()).isTrue();
    assertThat(Page.of(ITEMS, "h", 0).more()).isFalse();
  }

  @Test
  void negativeLimitActsAsZero() {
    Page<String> page = Page.of(ITEMS, null, -5);

    assertThat(page.items()).isEmpty();
    assertThat(page.more()).isTrue();
  }

  @Test
  void limitLargerThanTheListGivesTheRestWithoutMore() {
    Page<String> page = Page.of(ITEMS, "b", 100);

    assertThat(page.items()).containsExactly("d", "f", "h");
    assertThat(page.more()).isFalse();
  }

  @Test
  void limitOfIntegerMaxValueDoesNotOverflow() {
    Page<String> page = Page.of(ITEMS, "c", Integer.MAX_VALUE);

    assertThat(page.items()).containsExactly("d", "f", "h");
    assertThat(page.more()).isFalse();
  }

  @Test
  void moreIsFalseWhenThePageEndsExactlyAtTheLastItem() {
    Page<String> page = Page.of(ITEMS, null, 4);

    assertThat(page.items()).containsExactlyElementsOf(ITEMS);
    assertThat(page.more()).isFalse();
  }

  @Test
  void moreIsTrueWhenExactlyOneItemRemains() {
    Page<String> page = Page.of(ITEMS, null, 3);

    assertThat(page.items()).containsExactly("b", "d", "f");
    assertThat(page.more()).isTrue();
  }

  @Test
  void emptyListGivesEmptyPageWithoutMore() {
    assertThat(Page.of(List.<String>of(), null, 10)).isEqualTo(new Page<>(List.of(), false));
    assertThat(Page.of(List.<String>of(), "a", 0)).isEqualTo(new Page<>(List.of(), false));
  }

  @Test
  void walkingPagesVisitsEveryItemOnce() {
    List<String> sorted = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      sorted.add(String.format("item%02d", i));
    }
    List<String> seen = new ArrayList<>();
    String last = null;
    int pages = 0;
    while (true) {
      Page<String> page = Page.of(sorted, last, 5);
      seen.addAll(page.items());
      pages++;
      if (!page.more()) {
        break;
      }
      last = page.items().get(page.items().size() - 1);
    }

    assertThat(seen).containsExactlyElementsOf(sorted);
    assertThat(pages).isEqualTo(5);
  }

  @Test
  void itemsAreAnImmutableCopy() {
    List<String> source = new ArrayList<>(ITEMS);
    Page<String> page = Page.of(source, null, 2);

    source.set(0, "a");

    assertThat(page.items()).containsExactly("b", "d");
    assertThatThrownBy(() -> page.items().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
