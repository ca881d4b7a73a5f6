"""Chinese segmentation: what a search index and the ticket classifier see of a text."""

from ecity.core.chinese import search_text, search_tokens, segment


def test_a_citizens_complaint_is_cut_into_words_without_punctuation():
    words = segment("市民反映江岸区噪音扰民问题，要求处理！")
    assert "噪音" in words and "扰民" in words and "江岸区" in words
    assert "，" not in words and "！" not in words


def test_search_mode_keeps_the_long_word_and_its_parts():
    # a search for 许可 must find a text that says 食品经营许可证
    tokens = search_tokens("食品经营许可证")
    assert {"食品", "经营", "许可", "许可证"} <= set(tokens)


def test_full_width_and_latin_text_is_normalised_and_lower_cased():
    assert search_text("ＡＢＣ热线12345").split() == ["abc", "热线", "12345"]
