from moderation.features import SIGNAL_NAMES, deobfuscate, signals


def _signal(text, name):
    return signals(text)[SIGNAL_NAMES.index(name)] == 1.0


def test_spaced_and_dotted_letters_are_joined():
    assert deobfuscate("f u c k you") == "fuck you"
    assert deobfuscate("s.h.i.t happens") == "shit happens"
    assert deobfuscate("ค.ว.ย") == "ควย"
    assert "ควาย" in deobfuscate("ไอ้ ค ว า ย")


def test_symbols_inside_words_are_removed():
    assert deobfuscate("เหี้*ย") == "เหี้ย"
    assert deobfuscate("fu*k") == "fuck"  # a masked letter of a lexicon word is restored
    assert deobfuscate("c*r") == "cr"  # elsewhere the mask is only dropped


def test_leetspeak_and_lookalikes_are_folded():
    assert deobfuscate("sh1t") == "shit"
    assert deobfuscate("a$$hole") == "asshole"
    assert deobfuscate("ѕhіt") == "shit"  # Cyrillic s and i


def test_repeated_letters_are_collapsed():
    assert deobfuscate("ควยยยยย") == "ควย"
    assert deobfuscate("fuuuuuck") == "fuuck"


def test_ordinary_words_numbers_and_prices_are_untouched():
    assert deobfuscate("Scunthorpe class assessment") == "scunthorpe class assessment"
    assert deobfuscate("I have a car") == "i have a car"
    assert deobfuscate("ราคา 5000baht ยาง 4x4") == "ราคา 5000baht ยาง 4x4"


def test_trading_signals():
    post = "ขายยาง 3,500 บาท โทร 081-234-5678 ไลน์ : tyre99 ทักแชทมา"
    for name in ("price", "phone", "line_id", "dm", "sell_verb"):
        assert _signal(post, name), name
    assert _signal("selling my dashcam, dm me", "dm")
    assert _signal("add line @carparts", "line_id")
    assert _signal("โทร ๐๘๑๒๓๔๕๖๗๘", "phone")  # Thai digits


def test_no_trading_signals_in_an_ordinary_question():
    post = "รถสตาร์ทไม่ติดตอนเช้า มีเสียงแกร๊กๆ น่าจะแบตหรือไดสตาร์ท"
    for name in ("price", "phone", "line_id", "dm", "sell_verb"):
        assert not _signal(post, name), name
    assert not _signal("the admin sent me a message about the trip", "dm")
