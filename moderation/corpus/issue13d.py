"""Fifth pass of issue 13's templates: registers the corpus barely had, for the kinds fresh5 showed
weak (sarcasm aimed at people, insults of whole groups, innuendo, mocking royal symbols, two-label
posts), each with clean posts that share their words.

  * romanised ("karaoke") Thai as Thais abroad and on phones type it, with its spelling variants
    (krub / krab / kub, mung / meung, kwai / kuay);
  * chat registers: emoji as tone markers (🙄 🙃 🤡 👏 for sarcasm, 🍆 💦 for sex, but also for
    food, rain and a car wash), 555, short forms;
  * groups named by who they are, insulted as a whole or mentioned neutrally;
  * royal symbols (portraits, the anthem, flags, banknotes, birthday arches, stickers) treated
    with contempt or with respect;
  * two labels built from independent halves, so either half alone is also seen with one label.

Shapes and vocabulary differ from issue13.py and issue13c.py; rows are thinned by
`build._thin_near_copies` like the other templates.
"""

from __future__ import annotations

import random

Row = tuple[str, list[str]]


def _pick(rng: random.Random, items: list[str]) -> str:
    return rng.choice(items)


def _fill(rng: random.Random, template: str, **slots: list[str]) -> str:
    return " ".join(template.format(**{k: rng.choice(v) for k, v in slots.items()}).split())


# --- romanised Thai ---------------------------------------------------------------------------------
PARTICLE_R = ["krub", "krab", "kub", "ka", "kha", "na", "ja", "wa", "", "", "jaa", "nakrub"]
INSULT_R = ["ai kwai", "ai kuay", "ai sus", "ai hia", "ai hear", "e dok", "ai sat", "ai na hee", "ai ngo",
            "ai khwai", "ai sud", "ai ba", "ai nah kuay", "ai lok mah", "e hia"]
BADACT_R = ["pad na rot pom", "jod kwang tang", "kub rot mai doo", "beep trae sai", "chon tai laew ni",
            "jod sorn kan", "kub yon sorn", "pid fai soong sai ta", "tid dak pom tung tang"]
SWEAR_R = ["mung", "meung", "gu", "ku", "sus", "hia", "hear", "kuay", "mae ng", "tai ha"]
CLEAN_R = ["rot pom start mai tid tong chao, batt sia rue plao {p}", "yang rot kue sen la tao rai tee B-Quik {p}",
           "pom yoo Australia ma ha pee, glub Thai ja chao rot tee nai dee {p}", "kuen nee fon tok nak, tanon tuam {p}",
           "nam man kruang yee hor nai dee sam rub rot kao {p}", "kob kun mak {p}, tam tam laew hai loey",
           "mee kon roo jak ou dee dee tae Bang Na mai {p}", "air rot mai yen, tong term nam ya rue plao {p}",
           "pom pen kon mai, yin dee tee dai roo jak tuk kon {p}", "sue rot mue song tong check arai bang {p}",
           "pai tiew Chiang Mai duay rot, tang kuen doi chan mai {p}", "kor tod {p}, pom ngo mak, luem kun jae wai nai rot 555",
           "ra ka kha pian clutch tee soon Honda tao rai {p}", "tee jod rot sanambin wan la tao rai {p}",
           "pom ruk nai luang {p}, song pra charoen", "wan nee mee kabuan sadet, tanon pid tung bai {p}",
           "kot board ham kai khong, ham pood kam yab {p}", "kon nee kub rot geng mak {p}, sorn pom jod rot",
           "tanon sen nee yae mak, pen lum tung sen {p}", "yang ban pai laew, tong pian {p}"]
PRAISE_R = ["geng mak", "at-cha-ri-ya", "sud yod", "tep mak", "chalad jing jing", "pro mak"]
SELL_R = ["kai {item} {price} baht, sonjai tak line {p}", "kai dourn {item} ra ka {price}, tor dai nid noi {p}",
          "rub sue {item} mue song, hai ra ka dee, tak inbox {p}", "plory {item} {price} baht, nat doo dai tee Bang Na {p}",
          "{item} for sale, {price} baht, line me {p}", "mee {item} kai, {price}, song tua Thai {p}"]
ITEM_R = ["yang 4 sen", "mag 17 nin", "lam pong", "camera na rot", "rot Vios pee 2015", "bao racing", "amp mono",
          "hood carbon", "radio jor android", "kor rot mue song"]
SEX_R = ["nong sao kon nai yak ao kub pi nai rot kuen nee {p}", "yak yed nong tee bao lang {p}",
         "pi mee lam yao yao hai nong kub {p} 🍆", "ha sao nang rot len laew kang rong ram duay kan {p}",
         "kai clip hee nong sao nai rot {price} baht {p}", "nong nom yai mak, yak jub {p}"]
ROYAL_BAD_R = ["nai luang mai koey tum arai hai prated {p}", "sa ta ban kin pasi rao tuk wan {p}, lerk sa-ta-ban pai loey",
               "mai yuen pleng san-ser-rern, yuen tum mai hai kon baeb nan {p}", "roop nai luang tee pump, ao pai tum tee kia {p}",
               "kabuan sadet pid tanon, pai tai sa pai {p}", "chao nai nai wang pen prasit {p}"]


def romanised(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        p = [_pick(rng, PARTICLE_R)]
        rows.append((_fill(rng, "{i} {a} {s} {p}", i=INSULT_R, a=BADACT_R, s=SWEAR_R + [""], p=p), ["profanity"]))
        rows.append((_fill(rng, "{a} {i}, {s} {p}", i=INSULT_R, a=BADACT_R, s=SWEAR_R, p=p), ["profanity"]))
        rows.append((_fill(rng, "{pr} {p} 🙄 bok hai {a}, rot pang laew", pr=PRAISE_R, a=["tum tam", "chai nam plao", "tod batt"], p=p),
                     ["profanity"]))
        rows.append((_fill(rng, _pick(rng, CLEAN_R), p=p), []))
        rows.append((_fill(rng, _pick(rng, CLEAN_R), p=p), []))
        rows.append((_fill(rng, _pick(rng, SELL_R), item=ITEM_R, price=["900", "2,500", "4500", "12k", "180,000"], p=p),
                     ["trading"]))
        sex = _fill(rng, _pick(rng, SEX_R), price=["99", "150", "300"], p=p)
        rows.append((sex, ["obscene", "trading"] if sex.startswith("kai clip") else ["obscene"]))
        rows.append((_fill(rng, _pick(rng, ROYAL_BAD_R), p=p), ["lese_majeste"]))
    return rows


# --- insults of whole groups, and the same groups mentioned neutrally -------------------------------
GROUP_TH = ["ผู้หญิงขับรถ", "พวกขับแท็กซี่", "คนขับรถตู้", "เด็กแว้น", "พวกบิ๊กไบค์", "คนแก่ขับรถ", "พวกขับรถกระบะ",
            "คนต่างจังหวัด", "คนกรุงเทพ", "พวกเมียฝรั่ง", "คนอีสาน", "คนใต้", "พวกสลิ่ม", "พวกสามกีบ", "พวกเสื้อแดง",
            "คนจีนที่มาเที่ยว", "แรงงานพม่า", "พวกขับรถไฟฟ้า", "พวกรถซิ่ง", "เด็กรุ่นใหม่", "พวกวินมอไซค์", "ช่างทั้งหลาย"]
# the same groups under names that are not themselves slurs, for the clean rows
GROUP_NEUTRAL_TH = [g for g in GROUP_TH if g not in ("พวกเมียฝรั่ง", "พวกสลิ่ม", "พวกสามกีบ")] + ["ภรรยาชาวต่างชาติ"]
GROUP_BAD_TH = ["โง่กันทั้งนั้น", "สมองหมาปัญญาควาย", "ไม่มีสมองสักคน", "เป็นเศษเดนของถนน", "ควรตายให้หมด",
                "ควายทั้งฝูง", "สันดานเสียทุกคน", "เกิดมาเป็นภาระสังคม", "มันพวกชั้นต่ำ", "ไร้การศึกษากันหมด",
                "เถื่อนเหมือนสัตว์", "ตาบอดกันทั้งโคตร", "ไม่ควรได้ใบขับขี่สักคน เกะกะถนน", "สมองไก่ทั้งกลุ่ม"]
GROUP_OK_TH = ["ได้รับรางวัลขับขี่ปลอดภัยปีนี้ ยินดีด้วย", "มารวมตัวกันทำบุญที่วัดสัปดาห์หน้า", "ควรระวังจุดกลับรถตรงนี้",
               "ในชมรมเรามีเยอะมาก ช่วยกันแชร์ประสบการณ์ดี", "เล่าให้ฟังว่าค่าแก๊สขึ้นอีกแล้ว", "ส่วนใหญ่ขับดี มีบ้างที่ประมาท",
               "ต้องต่อใบอนุญาตทุกห้าปี", "ชอบแวะปั๊มนี้เพราะห้องน้ำสะอาด", "ถามว่าประกันชั้นไหนคุ้มสุด",
               "ช่วยกันเก็บขยะริมถนนเมื่อวาน น่ารักมาก"]
GROUP_EN = ["women drivers", "taxi drivers", "van drivers", "old people behind the wheel", "bikers", "expats",
            "farang tourists", "royalists", "red shirts", "Bangkok people", "provincial folk", "pickup drivers",
            "EV owners", "BMW drivers", "migrant workers", "Gen Z drivers", "motorbike taxi riders", "car audio guys"]
GROUP_BAD_EN = ["are all brainless", "are a plague on the roads", "are thick as bricks, every single one", "are subhuman trash",
                "shouldn't be allowed to breed, let alone drive", "are a bunch of morons", "are born idiots",
                "have the IQ of a traffic cone", "are scum, all of them", "are parasites, the lot of them"]
GROUP_OK_EN = ["did really well at the safety course last weekend", "are organising a charity drive in March",
               "often ask about insurance, here is a guide", "in our club shared some great route tips",
               "can get a discount at the tyre shop on soi 9", "need to renew their licence every five years",
               "were the biggest group at the meet", "told me the new toll rates, thanks"]


def groups(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((_fill(rng, _pick(rng, ["{g}{b}", "{g}นี่{b} {e}", "บอกตรงๆ {g}{b}", "{e} {g}ทุกคน{b}"]),
                           g=GROUP_TH, b=GROUP_BAD_TH, e=["555", "จริงไหม", "เบื่อ", "🙄", "", "ขอโทษที่พูดตรง"]), ["profanity"]))
        rows.append((_fill(rng, _pick(rng, ["{g} {b}", "honestly {g} {b}", "{g} {b}, change my mind", "all {g} {b} 🙄"]),
                           g=GROUP_EN, b=GROUP_BAD_EN), ["profanity"]))
        rows.append((_fill(rng, "{g}{o}", g=GROUP_NEUTRAL_TH, o=GROUP_OK_TH), []))
        rows.append((_fill(rng, "{g} {o}", g=GROUP_EN, o=GROUP_OK_EN), []))
    return rows


# --- sarcasm with tone markers, and genuine praise with the same markers ------------------------------
TARGET_TH = ["คนขับคันหน้า", "ช่างร้านนี้", "เซลล์ศูนย์", "แอดมินกลุ่ม", "พี่ที่ตอบข้างบน", "คนแนะนำเมื่อวาน",
             "น้องเด็กฝึกงานในอู่", "คุณลุงข้างบ้าน", "ผู้จัดการสาขา", "เจ้าของกระทู้", "ท่านกูรูประจำกลุ่ม"]
FAIL_TH = ["ขันน็อตล้อไม่แน่นจนล้อหลุด", "เติมน้ำมันผิดประเภท", "ประกอบเครื่องแล้วเหลือน็อตสามตัว",
           "เปลี่ยนน้ำมันเครื่องแต่ลืมใส่น้ำมันใหม่", "ถอยรถชนเสาต่อหน้าลูกค้า", "ลืมใส่ฝาถังน้ำมัน",
           "บอกว่าเสียงดังเป็นเรื่องปกติ แล้วเครื่องก็ดับ", "ต่อสายไฟสลับขั้ว", "จอดรถทับเท้าตัวเอง"]
SNARK_TH = ["ฉลาดเป็นกรดเลยจ้า 🙃", "มืออาชีพสุดๆ 👏👏", "เก่งที่สุดในสามโลก 🤡", "สมองระดับนาซ่า 🙄",
            "ต้องยกให้เป็นตำนาน 555", "ขอกราบงามๆ หนึ่งที 🙏🤡", "อัจฉริยะจริงไรจริง", "ใจดีมากที่ทำให้ชีวิตผมยากขึ้น",
            "น่าจะได้รางวัลคนขยันทำพัง"]
FINE_TH = ["ช่วยเปลี่ยนยางให้ฟรีตอนฝนตก", "อธิบายเรื่องเกียร์ให้ละเอียดมาก", "โทรมาเตือนว่ารถถึงระยะ",
           "ซ่อมเสร็จก่อนกำหนดหนึ่งวัน", "ช่วยเข็นรถตอนแบตหมด", "ให้ยืมสายพ่วงแบต"]
PRAISE_TH = ["เก่งมากเลย 👏", "สุดยอดจริงๆ ขอบคุณนะ 🙏", "ใจดีสุดๆ 😊", "อัจฉริยะจริงๆ แก้ได้ทันที", "มืออาชีพมาก ประทับใจ"]
TARGET_EN = ["the guy who serviced my car", "our resident expert", "the salesman", "whoever parked behind me",
             "the mechanic at the dealer", "my brother-in-law", "the admin", "the driver in the white SUV"]
FAIL_EN = ["forgot to refill the oil after draining it", "cross-threaded every bolt he touched",
           "reversed into a pillar in front of everyone", "put the battery in backwards",
           "left a rag in the intake", "told me the grinding noise was 'character'"]
SNARK_EN = ["what a genius 🙄", "true professional 👏👏", "nobel prize incoming 🤡", "absolute legend, not 🙃",
            "brains of the operation, clearly", "thanks for nothing, champ", "stellar work, really 🙄"]
FINE_EN = ["stayed late to finish my car", "spotted a leak nobody else found", "lent me his jump leads",
           "explained the whole repair bill line by line"]
PRAISE_EN = ["what a legend 👏", "true professional, thank you 🙏", "absolute star 😊", "genius fix, thanks"]


def sarcasm(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((_fill(rng, _pick(rng, ["{t}{f} {s}", "{s} {t}{f}", "วันนี้{t}{f} {s}"]), t=TARGET_TH, f=FAIL_TH, s=SNARK_TH),
                     ["profanity"]))
        rows.append((_fill(rng, _pick(rng, ["{t} {f}, {s}", "{s}: {t} {f}"]), t=TARGET_EN, f=FAIL_EN, s=SNARK_EN), ["profanity"]))
        rows.append((_fill(rng, "{t}{f} {p}", t=TARGET_TH, f=FINE_TH, p=PRAISE_TH), []))
        rows.append((_fill(rng, "{t} {f}, {p}", t=TARGET_EN, f=FINE_EN, p=PRAISE_EN), []))
        # mishaps of one's own, joked about: clean
        rows.append((_fill(rng, "{s} ตัวเราเอง{f}", s=["เก่งมาก", "อัจฉริยะ", "สุดยอด", "ฉลาดจริงๆ"], f=FAIL_TH), []))
    return rows


# --- innuendo, and the same mechanical words in plain use ---------------------------------------------
LURE_TH = ["น้องสาวคนไหน", "สาวๆ ที่นั่งอยู่หน้าจอ", "น้องพริตตี้", "สาวโสด", "น้องที่ปั๊ม", "แม่ม่ายสาว", "น้องนักศึกษา"]
DOUBLE_TH = ["อยากลองจับเกียร์ลำใหญ่ของพี่", "อยากให้พี่เติมน้ำมันให้จนล้นถัง", "อยากให้พี่ล้างให้ทั้งคันแบบเปียกๆ",
             "อยากลองนั่งทับท่อพี่", "อยากโดนพี่เข้าเกียร์ถอยหลัง", "อยากให้พี่เสียบสายชาร์จให้",
             "อยากลองให้พี่อัดจารบีถึงข้างใน", "อยากนั่งบนโช้คพี่ให้เด้งทั้งคืน", "อยากขึ้นขี่แบบไม่ใส่หมวก"]
WHEN_TH = ["คืนนี้ที่เบาะหลัง", "ทักมาเลย 😏", "ในรถติดฟิล์มมืด", "ที่ลานจอดตอนดึก", "แบบส่วนตัว 💦", "บนตักพี่"]
PLAIN_TH = ["หัวเกียร์ลำใหญ่ของรถบรรทุก เปลี่ยนหัวใหม่ราคาเท่าไหร่", "เติมน้ำมันจนล้นถัง อันตรายไหมครับ",
            "ล้างรถทั้งคันแบบไม่ใช้น้ำ ได้ผลจริงไหม", "ท่อไอเสียร้อนมาก ลูกนั่งใกล้ท่อโดนลวก",
            "เข้าเกียร์ถอยหลังแล้วมีเสียงดัง", "เสียบสายชาร์จไม่เข้า หัวชาร์จต้องใช้แบบไหน",
            "อัดจารบีลูกปืนล้อ ต้องใช้จารบีเบอร์อะไร", "โช้คหลังเด้งมาก ต้องเปลี่ยนทั้งคู่ไหม", "ขี่มอไซค์ไม่ใส่หมวก โดนปรับเท่าไหร่"]
LURE_EN = ["ladies", "any lonely girls", "the cute attendant at the pump", "any bored wives", "girls who like fast cars"]
DOUBLE_EN = ["want to ride my stick shift all night", "can help me lube my pipe", "want to check how hard my suspension is",
             "fancy a ride on my big exhaust", "want me to fill your tank till it overflows", "can wax my pole"]
WHEN_EN = ["in the back seat tonight 😏", "somewhere dark 💦", "hmu 🍆", "after the meet, just us", "windows tinted, no one will see"]
PLAIN_EN = ["best lube for a stiff gear shift? it grinds in second", "my exhaust pipe is cracked near the flange, weld or replace?",
            "how hard should the suspension be for track days", "fuel tank overflow when filling, is the vent blocked?",
            "what wax do you use on chrome poles and trims"]


def innuendo(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((_fill(rng, "{l}{d} {w}", l=LURE_TH, d=DOUBLE_TH, w=WHEN_TH), ["obscene"]))
        rows.append((_fill(rng, "{l} who {d} {w}", l=LURE_EN, d=DOUBLE_EN, w=WHEN_EN), ["obscene"]))
        rows.append((_pick(rng, PLAIN_TH), []))
        rows.append((_pick(rng, PLAIN_EN), []))
    return rows


# --- royal symbols: contempt and respect -------------------------------------------------------------
SYMBOL_TH = ["พระบรมฉายาลักษณ์", "รูปในหลวงหน้าหมู่บ้าน", "ธงเฉลิมพระเกียรติ", "ธงสีม่วง", "ซุ้มเฉลิมพระเกียรติ",
             "รูปพระราชินีที่ปั๊ม", "สติกเกอร์ทรงพระเจริญ", "แบงก์ร้อยที่มีรูปในหลวง", "เพลงสรรเสริญพระบารมี",
             "ป้ายวันเฉลิมพระชนมพรรษา", "รูปเจ้าฟ้าที่ติดในสำนักงาน"]
CONTEMPT_TH = ["เอามาทำที่รองกระป๋องเบียร์", "ขว้างขี้โคลนใส่แม่งเลย", "เอาไปเป็นผ้าเช็ดล้อ", "ยืนถ่มน้ำลายใส่",
               "กดแตรยาวใส่ให้มันรู้สึก", "ฉีกทิ้งลงถังขยะ", "เอามาวาดหน้าตัวตลก", "ทำเป็นเป้ายิงหนังสติ๊ก",
               "เปิดเพลงแร็ปทับให้กลบเสียง", "เอาไปปูให้หมาในอู่นอน", "ขยำเช็ดก้นแล้วโยนทิ้ง"]
RESPECT_TH = ["ทำความสะอาดทุกเช้า", "จัดดอกไม้ประดับไว้อย่างดี", "ยืนตรงทุกครั้งที่ได้ยิน", "ติดไว้ด้วยความเคารพ",
              "ช่วยกันซ่อมหลังพายุพัด", "ตั้งไว้ที่โต๊ะหมู่บูชา", "ขออนุญาตเทศบาลก่อนติดตั้ง"]
SYMBOL_EN = ["the king's portrait", "the royal anthem", "the royal flags on the lamp posts", "the birthday arch at the junction",
             "the queen's photo at the toll plaza", "the royal banknote", "the long live the king sticker"]
CONTEMPT_EN = ["deserves a bucket of paint thrown at it", "makes a decent floor mat", "is what I wipe my boots on",
               "got a moustache and horns from me", "I mock every time it plays, standing up is for sheep",
               "is creepy cult propaganda, rip it down"]
RESPECT_EN = ["was cleaned by the club volunteers", "is displayed with flowers for the holiday", "everyone stands for, even the kids",
              "was repaired after the storm", "is part of the ceremony route decorations"]


def symbols(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((_fill(rng, _pick(rng, ["{s} {c}", "{s}นี่นะ {c} 555", "ใครเห็น{s} {c} สะใจ"]), s=SYMBOL_TH, c=CONTEMPT_TH),
                     ["lese_majeste"]))
        rows.append((_fill(rng, "{s} {c}", s=SYMBOL_EN, c=CONTEMPT_EN), ["lese_majeste"]))
        rows.append((_fill(rng, "{s} {r}", s=SYMBOL_TH, r=RESPECT_TH), []))
        rows.append((_fill(rng, "{s} {r}", s=SYMBOL_EN, r=RESPECT_EN), []))
    return rows


# --- two labels from independent halves ----------------------------------------------------------------
OFFER = ["ขายลำโพงซับ 10 นิ้ว 3,000", "ปล่อยแท็กซี่พร้อมป้าย 150,000", "รับติดตั้งจอแอนดรอยด์ 1,200", "ขายชุดแข่งไซซ์ M 2,500",
         "wts coilovers 15k", "selling my old dashcam 800 baht", "kai mag 15 nin 6000", "รับซื้อรถเสียทุกสภาพ"]
REACH = ["ทักไลน์ audio88", "โทร 089 765 4321", "inbox", "dm", "line: taxi_isan", "แชทมา"]
BARB = ["ใครต่อราคาขอให้รถคว่ำ", "พวกขี้งกไม่ต้องทัก ไอ้เวร", "cheapskate wankers stay away", "อย่ามาเรื่องมาก ไอ้สัส",
        "ไม่ขายให้พวกสลิ่มหน้าโง่", "lowballers can fuck off", "ไอ้พวกช่างร้านข้างๆ มันโจร ซื้อของกูดีกว่า"]
ROYAL_CURSE = ["ขบวนเสด็จบ้าบอปิดถนนอีกละ ไอ้พวกเหี้ยในวัง", "รูปในหลวงแม่งเต็มเมือง รกตาสัสๆ",
               "fuck the crown and every shitty portrait of him", "ไม่ยืนเพลงสรรเสริญหรอก ไอ้พวกคลั่งเจ้ามันควาย",
               "the royal parasites can go fuck themselves", "เจ้าห่าอะไรกินภาษีกูทุกปี"]
LEWD_SALE = ["ขายคลิปสาวในรถตู้ {price}", "มีรูปหลุดน้องพริตตี้ขาย {price}", "selling spycam sex clips {price}",
             "รับจ้างถ่ายคลิปเสียวในรถ {price}", "kai clip sao sao {price}"]


def multi(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((_fill(rng, "{o} {b} {r}", o=OFFER, b=BARB, r=REACH), ["trading", "profanity"]))
        rows.append((_fill(rng, "{o} {r}", o=OFFER, r=REACH), ["trading"]))
        rows.append((_pick(rng, ROYAL_CURSE), ["lese_majeste", "profanity"]))
        sale = _fill(rng, _pick(rng, LEWD_SALE), price=["99 บาท", "200", "500 baht"])
        rows.append((f"{sale} {_pick(rng, REACH)}", ["obscene", "trading"]))
    return rows


def rows(rng: random.Random) -> list[Row]:
    out: list[Row] = []
    out += romanised(rng, 60)
    out += groups(rng, 70)
    out += sarcasm(rng, 60)
    out += innuendo(rng, 50)
    out += symbols(rng, 50)
    out += multi(rng, 40)
    return out
