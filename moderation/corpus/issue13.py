"""Training rows for the kinds issue 13 found missing, each with hard negatives of its own.

Slot lists and a handful of sentence shapes per kind, written for this board: sarcasm aimed at
people, disparaged organisations, insulted groups, Thai insults (animal compounds, body parts,
slurs for women, curse-wishes), obscene innuendo and emoji, sexual clips for sale, invitations to
meet, lese-majeste without the obvious keywords (the palace, the crown, anthem, portraits, flags),
and posts with two labels. The hand-written lines in src/train/*-13.txt complement them: the
templates give breadth of vocabulary, the hand-written lines give sentence shapes.

Every kind has clean counterparts that share its words: genuine thanks, neutral criticism of a
dealer, club groups named by who they are, animals on the road, mechanical words (hose, nipple,
ball joint), food and car-wash emoji, club meet-ups, respectful royal news and symbols.
"""

from __future__ import annotations

import random

Row = tuple[str, list[str]]

# --- sarcasm and backhanded praise aimed at people ----------------------------------------------
PRAISE_TH = ["อัจฉริยะจริงๆ", "เก่งมากเลย", "ฉลาดสุดๆ", "เทพมาก", "สุดยอดฝีมือ", "โคตรเก่ง", "ยอดเยี่ยมมาก",
             "ปรมาจารย์ชัดๆ", "ฉลาดล้ำเลิศ", "เก่งจังเลยค่ะ", "หัวดีจริงๆ", "ผู้รู้ตัวจริง", "ระดับเซียน"]
WHO_TH = ["ครับท่าน", "นะคุณ", "เลยพี่", "นะน้อง", "", "คุณสมชาย", "ท่านผู้เชี่ยวชาญ", "เจ้าของกระทู้"]
BAD_ACT_TH = ["จอดขวางทางเข้าออก", "เติมดีเซลใส่รถเบนซิน", "ถามคำถามเดิมเป็นรอบที่สิบ", "ตอบผิดแต่มั่นใจมาก",
              "ซ่อมแล้วพังกว่าเดิม", "เลี้ยวไม่เปิดไฟทุกแยก", "จอดคร่อมสองช่อง", "ลืมขันน็อตล้อ",
              "แนะนำให้เปิดฝาหม้อน้ำตอนร้อน", "ขับเลนขวาช้ากว่ารถเข็น", "ทำแอร์พังทั้งระบบ", "ลบโพสต์คนอื่นมั่ว"]
SNEER_TH = ["ปรบมือให้เลย", "ภูมิใจไว้เถอะ", "นับถือจริงๆ", "👏👏👏", "ขอคารวะ", "รางวัลโนเบลต้องมา", "ไม่เหนื่อยเหรอ",
            "ขอบคุณที่ช่วยให้แย่ลง", "ประเทศชาติโชคดีที่มีคุณ", "เก่งแบบนี้อยู่ไปก็เปลืองอากาศ", "ช่วยได้เยอะเลยนะ (ประชด)"]
PRAISE_EN = ["genius", "well done einstein", "brilliant", "nice going", "great job", "bravo", "congrats",
             "wow, what a mind", "top tier advice", "thanks a lot, professor", "real smart move", "amazing skills"]
BAD_ACT_EN = ["parking across two spaces", "putting diesel in a petrol car", "asking the same question for the tenth time",
              "answering wrong with total confidence", "breaking a car that never breaks", "forgetting to tighten the wheel nuts",
              "opening the radiator cap on a hot engine", "hogging the fast lane at 60", "bricking the ecu",
              "blocking my driveway again", "telling a newbie to skip the brake fluid"]
SNEER_EN = ["slow clap", "truly a gift to this forum", "thanks for nothing", "what would we do without you",
            "you should teach a class, on what not to do", "hope you're proud", "did you get your licence in a lucky draw?",
            "your parents must be so proud", "a real asset to the gene pool", "please never help anyone again"]
THANKS_TH = ["ขอบคุณมากครับ แก้ได้จริง", "สุดยอดครับ ทำตามแล้วหาย", "เก่งมากครับพี่ ขอบคุณที่แบ่งปัน",
             "อัจฉริยะจริงๆ ครับ วิธีนี้ประหยัดไปหลายพัน", "เทพมากครับช่าง ซ่อมจบในวันเดียว", "ขอคารวะพี่ๆ กูรูทุกท่าน ช่วยได้เยอะ"]
GOOD_ACT_EN = ["checking the fuse first", "the tyre pressure tip", "your wiring diagram", "the step by step photos",
               "explaining the cvt fluid change", "the dealer price list", "your torque table"]
SARCASM_SELF = ["ผมนี่อัจฉริยะจริงๆ ลืมกุญแจไว้ในรถอีกแล้ว 555", "genius me locked the keys in the boot again lol",
                "great job me, drove off with the fuel cap on the roof", "เก่งมากตัวเรา ลืมดึงเบรกมือทั้งวัน"]


def sarcasm(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"{rng.choice(PRAISE_TH)}{rng.choice(WHO_TH)} {rng.choice(BAD_ACT_TH)} {rng.choice(SNEER_TH)}".strip(),
                     ["profanity"]))
        rows.append((rng.choice([f"{rng.choice(PRAISE_EN)}, {rng.choice(BAD_ACT_EN)} again. {rng.choice(SNEER_EN)}",
                                 f"{rng.choice(SNEER_EN)}. {rng.choice(PRAISE_EN)} move, {rng.choice(BAD_ACT_EN)}",
                                 f"oh {rng.choice(PRAISE_EN)}, {rng.choice(BAD_ACT_EN)}? {rng.choice(SNEER_EN)}"]),
                     ["profanity"]))
        rows.append((rng.choice(THANKS_TH), []))
        rows.append((rng.choice([f"{rng.choice(PRAISE_EN)} tip, {rng.choice(GOOD_ACT_EN)} fixed it, thank you!",
                                 f"thanks for {rng.choice(GOOD_ACT_EN)}, saved me a trip to the dealer",
                                 f"{rng.choice(GOOD_ACT_EN)} was {rng.choice(['brilliant', 'genius', 'spot on'])}, much appreciated"]),
                     []))
    rows += [(t, []) for t in SARCASM_SELF]
    return rows


# --- organisations ------------------------------------------------------------------------------
ORG_TH = ["ศูนย์บริการสาขานี้", "ดีลเลอร์เจ้านี้", "ร้านยางหน้าปากซอย", "อู่แถวบ้าน", "ตำรวจจราจร", "กรมทางหลวง",
          "ขนส่งจังหวัด", "บริษัทประกันเจ้านี้", "เต็นท์รถมือสอง", "ปั๊มน้ำมันเจ้านี้", "กระทรวงคมนาคม", "การทางพิเศษ",
          "เทศบาล", "ค่ายรถยี่ห้อนี้", "โชว์รูมนี้", "คอลเซ็นเตอร์ศูนย์", "ด่านตรวจ", "กทม."]
ORG_BAD_TH = ["มันพวกโจร", "มีแต่พวกต้มตุ๋น", "โกงกินไม่มีวันหยุด", "ทำงานแบบไม่มีสมอง", "มีแต่พวกไร้ค่า",
              "พวกสิบแปดมงกุฎ", "ดีแต่รีดไถ", "ควายทั้งหน่วยงาน", "หน้าเลือดขี้โกง", "ปากหมาทั้งร้าน",
              "ห่วยแตกเหมือนขยะ", "ไร้จรรยาบรรณ ตอแหลเก่ง", "เป็นแหล่งรวมพวกหลอกลวง", "กินเงินเดือนฟรีไปวันๆ ไอ้พวกขี้เกียจ",
              "มันพวกมาเฟียใส่เครื่องแบบ", "เลวทั้งองค์กร"]
ORG_OK_TH = ["บริการช้าไปหน่อย รอสองชั่วโมง", "ราคาแพงกว่าที่อื่นนิดหน่อย", "ตอบไลน์ช้า แต่งานเรียบร้อยดี",
             "ควรปรับปรุงเรื่องที่จอดรถ", "บริการดีมาก ช่างอธิบายละเอียด", "เปิดถึงกี่โมงครับ", "มีสาขาแถวบางนาไหมครับ",
             "ปิดซ่อมถนนช่วงนี้ เผื่อเวลาด้วย", "ตั้งด่านตรวจที่แยกนี้คืนนี้ ขับระวังนะครับ", "ให้ส่วนลดสมาชิกชมรมไหมครับ",
             "ไม่มีอะไหล่ในสต็อก ต้องรอสองสัปดาห์", "เคลมรอบนี้ช้า อยากให้เร็วกว่านี้"]
ORG_EN = ["the dealer", "this dealership", "that tyre shop", "the service centre", "the police", "the traffic cops",
          "the highway department", "the transport ministry", "the insurance company", "the garage on soi 5",
          "the used car lot", "the city council", "the toll operator", "the brand's call centre"]
ORG_BAD_EN = ["is a den of thieves", "are lying crooks", "are a bunch of clowns", "are useless parasites", "are scammers",
              "couldn't fix a flat with a manual, bunch of morons", "are corrupt leeches", "is run by brain-dead idiots",
              "are extortionists in uniform", "should all be fired, worthless crooks", "are a pack of con artists",
              "are the scum of the earth"]
ORG_OK_EN = ["was slow to reply to my email", "quoted more than i expected", "didn't have the part in stock",
             "closes early on sundays", "could improve the waiting area", "charged 3,000 for the service, is that normal?",
             "did a good job on the alignment", "set up a checkpoint on the bypass tonight", "is repaving route 7 this month",
             "answered all my questions, recommended"]


def organisations(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"{rng.choice(ORG_TH)}{rng.choice(ORG_BAD_TH)}", ["profanity"]))
        rows.append((f"{rng.choice(ORG_EN)} {rng.choice(ORG_BAD_EN)}", ["profanity"]))
        rows.append((f"{rng.choice(ORG_TH)}{rng.choice(ORG_OK_TH)}", []))
        rows.append((f"{rng.choice(ORG_EN)} {rng.choice(ORG_OK_EN)}", []))
    return rows


# --- groups -------------------------------------------------------------------------------------
GROUP_TH = ["ผู้หญิงขับรถ", "พวกแท็กซี่", "พวกเด็กแว้น", "พวกบิ๊กไบค์", "คนแก่ขับรถ", "พวกสลิ่ม", "พวกควายแดง",
            "พวกรถตู้", "คนต่างจังหวัด", "พวกใช้ EV", "พวกแฟนบอย", "คนขับกระบะ", "พวกนักบิด", "ผู้หญิง", "พวกฝรั่ง",
            "พวกเสื้อเหลือง", "พวกสามกีบ"]
GROUP_BAD_TH = ["สมองไม่มี", "โง่ทั้งโคตร", "ไม่ควรได้ใบขับขี่", "ขยะสังคม", "ไร้การศึกษา", "นิสัยเสียทุกคน",
                "เป็นเชื้อโรคบนถนน", "ควายทั้งนั้น", "ตายๆ ไปได้ก็ดี", "มันพวกไร้สมอง คุยไม่รู้เรื่อง", "น่ารังเกียจ"]
GROUP_EN = ["women drivers", "royalists", "taxi drivers", "old people", "bikers", "pickup drivers", "ev owners",
            "foreigners", "honda fanboys", "bmw drivers", "teenagers", "the yellow shirts", "the red shirts", "farang drivers"]
GROUP_BAD_EN = ["are brainless", "are brainwashed sheep", "shouldn't be allowed on the road", "are all idiots",
                "are a menace and a disgrace", "are trash", "can't drive to save their lives", "are subhuman morons",
                "ruin everything they touch"]
GROUP_OK = ["ผู้หญิงขับรถคนเดียวไปต่างจังหวัด มีเทคนิคเรื่องความปลอดภัยไหมคะ", "ชมรมผู้หญิงขับรถจัดอบรมเปลี่ยนยางเสาร์นี้",
            "แท็กซี่แถวสนามบินใช้แก๊สหรือน้ำมันครับ", "คนแก่ขับรถควรตรวจสายตาทุกปี แนะนำให้พ่อแม่ไปตรวจครับ",
            "บิ๊กไบค์มาขอทางขวาก็หลบให้ครับ ปลอดภัยทั้งคู่", "women drivers meetup this weekend, all welcome",
            "taxi drivers in chiang mai mostly use the app now", "tips for older drivers: bigger mirrors help a lot",
            "bikers group joining the charity ride next month", "ev owners, how long does your battery last in the heat?",
            "royalists and everyone else welcome at the charity drive, no politics please",
            "foreigners can drive here on an international permit for 90 days", "honda owners, which oil do you use?",
            "ขับรถกระบะบรรทุกของหนัก ควรเติมลมยางเท่าไหร่", "คนต่างจังหวัดกลับบ้านช่วงสงกรานต์ รถติดยาวแน่ เผื่อเวลา"]


def groups(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"{rng.choice(GROUP_TH)}{rng.choice(['', 'ก็แบบนี้แหละ ', 'นี่ '])}{rng.choice(GROUP_BAD_TH)}", ["profanity"]))
        rows.append((f"{rng.choice(GROUP_EN)} {rng.choice(GROUP_BAD_EN)}", ["profanity"]))
    rows += [(t, []) for t in GROUP_OK]
    return rows


# --- Thai insults beyond the basic vocabulary -----------------------------------------------------
ANIMALS = ["หมา", "ควาย", "เหี้ย", "ตัวเงินตัวทอง", "ลิง", "หมู", "แรด", "ชะนี", "ปลวก", "เห็บ", "หมาวัด", "สัตว์นรก",
           "ไส้เดือน", "เต่า", "กิ้งก่า", "หมาขี้เรื้อน", "วัว", "จิ้งจก"]
ANIMAL_FORMS = ["ไอ้หน้า{a}", "อีหน้า{a}", "ไอ้ลูก{a}", "สมอง{a}", "ปัญญา{a}", "ไอ้{a}", "อี{a}", "ไอ้{a}ตัวนี้",
                "มึงมันพวก{a}"]
BODY = ["ไอ้หัวควย", "ไอ้หน้าหี", "อีหน้าหี", "ไอ้ส้นตีน", "ไอ้หน้าตูด", "ปากหมา", "ไอ้ตีนผี", "ไอ้หน้าส้นตีน",
        "ไอ้ปากตูด", "อีหน้าปลาจวด", "ไอ้หัวขวด", "ไอ้ขี้ข้า"]
SLURS_W = ["อีดอก", "อีดอกทอง", "อีกะหรี่", "อีร่าน", "อีตัว", "อีแรด", "อีสำส่อน", "อีชะนีร่าน", "อีผีบ้า", "อีบ้า",
           "อีเมียน้อย", "อีตัวแม่"]
CURSES = ["ขอให้ยางแตกกลางทางด่วน", "ขอให้เบรกแตกตอนลงเขา", "ขอให้รถคว่ำ", "ขอให้เครื่องพังกลางทาง", "ไปตายซะ",
          "ตายห่าไปเลย", "ขอให้โดนชนแล้วหนี", "ขอให้ชิบหายทั้งตระกูล", "ขอให้รถโดนขโมย", "ขอให้ไฟไหม้รถมึง",
          "ขอให้แม่งพังทั้งคัน", "ขอให้มึงขับตกเหว"]
CONTEXT_TH = ["ปาดหน้าไม่เปิดไฟเลี้ยว", "จอดซ้อนคันไม่ปลดเกียร์", "ขับจี้ตูดมาตลอดทาง", "ตอบมั่วในกระทู้", "ยืมแม่แรงไม่คืน",
              "ลบโพสต์กู", "ชนแล้วหนี", "แซงซ้ายปาดขวา", "ขายของปลอม", "จอดขวางหน้าบ้านกู", "บีบแตรใส่ตั้งแต่ไฟยังไม่เขียว",
              "ขโมยที่จอดคนพิการ", "โกงค่าซ่อม", "มาแซะในกระทู้คนอื่น"]
ANIMAL_OK = ["เจอหมาวิ่งตัดหน้าบนถนนเลียบคลอง ชะลอทันพอดี", "ตัวเงินตัวทองข้ามถนนในสวนลุม ขับช้าๆ นะครับ",
             "ควายเดินบนถนนชนบทตอนกลางคืน อันตรายมาก เปิดไฟสูงช่วย", "ลิงที่ลพบุรีขโมยของบนหลังคารถ ระวังด้วย",
             "มีจิ้งจกเข้าไปตายในกล่องฟิวส์ ทำไฟรั่ว", "ขับช้าเหมือนเต่าแต่ประหยัดน้ำมันจริง 555", "ทริปหมูกระทะริมเขื่อน",
             "ปลวกขึ้นโรงรถ กัดกล่องกระดาษหมด", "หนูกัดสายไฟในห้องเครื่อง ป้องกันยังไงดี", "เห็บหมัดติดเบาะจากหมาที่บ้าน ล้างยังไง",
             "ไปดูช้างที่สุรินทร์ ขับรถไปทางไหนดี", "ยางแตกกลางทางด่วน ต้องโทรเรียกใครครับ",
             "เบรกแตกตอนลงเขาอันตรายมาก ควรใช้เกียร์ต่ำช่วย", "รถคว่ำที่โค้งนี้บ่อย ขับระวังนะครับ",
             "ปากซอยมีหมาจรเยอะ ขับเข้าออกระวังหน่อย", "หัวนมเบรกรูด ต้องเปลี่ยนคาลิปเปอร์ไหม", "ลูกหมากคันชักคันส่งหลวม"]


def thai_insults(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        insult = rng.choice([rng.choice(ANIMAL_FORMS).format(a=rng.choice(ANIMALS)), rng.choice(BODY), rng.choice(SLURS_W)])
        ctx = rng.choice(CONTEXT_TH)
        rows.append((rng.choice([f"{insult} {ctx}", f"{ctx} {insult}", f"{insult} {ctx} {rng.choice(CURSES)}"]), ["profanity"]))
        rows.append((rng.choice([f"{rng.choice(CURSES)} ไอ้คน{ctx}", f"คนที่{ctx} {rng.choice(CURSES)}"]), ["profanity"]))
    rows += [(t, []) for t in ANIMAL_OK] * 2
    return rows


# --- obscene innuendo, emoji, clips, invitations --------------------------------------------------
DOUBLE_TH = ["จับสายยาง", "เป่าเครื่อง", "ขัดเงาท่อ", "เสียบชาร์จรูหลัง", "ล้างท่อ", "เติมน้ำมันเข้ารู", "โยกคันเกียร์",
             "ขึ้นขย่มช่วงล่าง", "นั่งตักตอนขับ", "ถูๆ จนเสร็จ", "เช็คน้ำมันเครื่องด้วยปาก", "ลองโหลดช่วงล่างน้อง"]
DOUBLE_TAIL_TH = ["รับรองฟิน", "คืนนี้ว่างไหม", "ไม่ได้หมายถึงรถนะ 😏", "เบาะหลังพร้อมแล้ว", "แบบส่วนตัวสองต่อสอง",
                  "ทั้งคืนจนกระจกเป็นฝ้า", "แบบเปียกๆ", "ครางลั่นรถเลย"]
DOUBLE_EN = ["handled my hose", "polished my stick", "checked my dipstick with her mouth", "rode me all night",
             "pumped me till i blew", "let me in the back door", "gripped my gear knob", "gave my exhaust a good blow",
             "warmed up my engine with her hands", "tested my suspension on the back seat"]
DOUBLE_TAIL_EN = ["and i don't mean the car", "if you know what i mean ;)", "windows fogged up all night",
                  "best private time in the back seat ever", "wink wink", "she's still sore lol"]
EMOJI_SEX = ["🍆💦", "🍑🍆", "😏🍆💦", "🍆🍑💦", "🥵💦", "👅💦", "🍒🍒😏", "🍆😏", "💦💦😏", "🍑😏"]
EMOJI_CTX_SEX = ["คืนนี้เบาะหลังว่างนะ", "น้องพริตตี้งานมอเตอร์โชว์", "who wants a ride tonight", "backseat fun",
                 "จอดมืดๆ แล้วเขย่ารถ", "after the meet, hotel time", "เซลล์สาวคนนี้", "ขยับเบาะสบาย ขยับอย่างอื่นด้วย",
                 "wet and ready in the car park", "ใครอยากขึ้นรถพี่คืนนี้"]
EMOJI_OK = ["ล้างรถเสร็จฝนตก 💦😭", "ผัดมะเขือยาว 🍆 ร้านข้างปั๊มอร่อยมาก", "the 😏 face when your old car passes inspection",
            "น้ำพีช 🍑 ที่จุดพักรถอร่อย", "เชอร์รี่ 🍒 จากสวนที่เขาค้อ ซื้อฝากได้", "ร้อนมาก 🥵 แอร์เสียกลางรถติด",
            "car wash day 💦🚗✨", "got the parking spot right at the door 😏", "ฝนตกหนัก 💦 ถนนน้ำท่วม ขับช้าๆ",
            "เติมน้ำฉีดกระจก 💦 แล้วยังไม่ออก ปั๊มเสียไหม"]
CLIP_TH = ["คลิปหลุด", "คลิปเสียว", "คลิปโป๊", "รูปนู้ด", "คลิป xxx", "คลิปน้องพริตตี้โชว์หวิว", "คลิปในรถ 18+", "คลิปแอบถ่ายในห้องน้ำปั๊ม"]
CLIP_EN = ["nude pics", "hot backseat videos", "sex tapes", "18+ clips", "private cam shows", "leaked clips of car show girls"]
CLIP_OK = ["คลิปสอนเปลี่ยนผ้าเบรกดูได้ในยูทูบ ลิงก์ในโพสต์แรก", "ใครมีคลิปรีวิวรถรุ่นนี้ขอดูหน่อยครับ",
           "dashcam clip of the crash on the motorway, anyone saw it?", "clip showing how to reset the service light",
           "คลิปกล้องหน้ารถตอนโดนชน ใช้เคลมประกันได้ไหม"]
MEET_TH = ["สาวๆ ที่เหงาคืนนี้ทักมา ไปนั่งเบาะหลังกัน", "หาน้องไปค้างคืนทริปเขาใหญ่ ห้องเดียวเตียงเดียว",
           "ใครเหงาเจอกันลานจอดชั้นบนมืดๆ พี่จัดให้", "หาสาวไปขับรถเล่นแล้วแวะม่านรูด", "น้องคนไหนอยากมีพี่เลี้ยง ค้างได้",
           "หาเพื่อนสาวนั่งตักตอนขับรถ คืนนี้", "มาคนเดียวนะ ห้องพักพี่อยู่ชั้นบน ไม่ต้องใส่อะไรมา"]
MEET_EN = ["anyone lonely tonight? meet me in the car park, no strings", "looking for a discreet lady for a late night drive and fun in the back",
           "single girls, meet after the club meet for adult fun", "come to my car, bring nothing but yourself",
           "need a sugar baby, i'll pick you up in my benz"]
MEET_OK = ["มีตติ้งชมรมเสาร์นี้ เจอกันที่ปั๊ม ปตท. กม. 80 เจ็ดโมงเช้า", "ใครว่างไปทริปเขาใหญ่ด้วยกันบ้างครับ แชร์ค่าน้ำมัน",
           "meet up at the rest stop at 7am then drive to khao yai together", "club dinner after the meet, families welcome",
           "หาเพื่อนร่วมทริปไปน่าน ใครสนใจลงชื่อ", "ลานจอดชั้น 5 ว่าง จอดได้ฟรีช่วงเย็น"]
DOUBLE_OK = ["hose clamp on the intercooler pipe keeps slipping, any fix?", "how do i check the dipstick on a cvt?",
             "gear knob came loose, which glue?", "the back seat folds flat, great for sleeping on long trips",
             "windows fog up when it rains, is the ac drain blocked?", "สายยางน้ำหม้อน้ำแตก ต้องเปลี่ยนทั้งเส้นไหม",
             "เป่าเครื่องด้วยลมแรงๆ หลังล้างห้องเครื่องได้ไหม", "ขัดเงาท่อไอเสียสแตนเลสใช้น้ำยาอะไรดี",
             "เสียบชาร์จแล้วรถไม่ชาร์จ เช็คอะไรก่อน", "โหลดช่วงล่างแล้วนั่งไม่สบาย", "ล้างท่อแอร์ราคาเท่าไหร่",
             "we spent some private time with the family at the beach", "ฟิล์มดำมิดกันร้อนได้ดีไหม ผิดกฎหมายหรือเปล่า"]


def obscene(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"อยากให้น้อง{rng.choice(DOUBLE_TH)}ให้พี่หน่อย {rng.choice(DOUBLE_TAIL_TH)}", ["obscene"]))
        rows.append((f"she {rng.choice(DOUBLE_EN)}, {rng.choice(DOUBLE_TAIL_EN)}", ["obscene"]))
        rows.append((rng.choice([f"{rng.choice(EMOJI_CTX_SEX)} {rng.choice(EMOJI_SEX)}",
                                 f"{rng.choice(EMOJI_SEX)} {rng.choice(EMOJI_CTX_SEX)} {rng.choice(EMOJI_SEX)}"]), ["obscene"]))
        rows.append((rng.choice(EMOJI_OK), []))
        rows.append((rng.choice(DOUBLE_OK), []))
    for _ in range(n // 2):
        price = rng.choice(["99 บาท", "150 บ.", "199.-", "300 baht", "500 thb", "ชุดละ 250"])
        contact = rng.choice(["ทักไลน์ xclip", "inbox", "dm", "telegram @vids", "แอดไลน์ @hotcar", "pm me"])
        rows.append((rng.choice([f"ขาย{rng.choice(CLIP_TH)} {price} {contact}", f"selling {rng.choice(CLIP_EN)} {price} {contact}",
                                 f"มี{rng.choice(CLIP_TH)}ขาย โอน {price} ส่งทันที"]), ["obscene", "trading"]))
        rows.append((rng.choice(MEET_TH + MEET_EN), ["obscene"]))
        rows.append((rng.choice(MEET_OK + CLIP_OK), []))
    return rows


# --- lese-majeste without the obvious keywords ------------------------------------------------------
ROYAL_TH = ["คนในวัง", "ท่านผู้นั้น", "เบื้องสูง", "สถาบัน", "คนบนแบงก์", "วงศ์ตระกูลนั้น", "ราชวงศ์", "พวกในรั้ววัง",
            "ท่านที่อยู่เยอรมัน", "คนที่อยู่บนเหรียญ", "ลูกชายคนโปรดของเขา", "พวกเจ้า", "โครงการพระราชดำริ"]
ROYAL_BAD_TH = ["เสวยสุขบนหลังประชาชน", "ผลาญภาษีเรา", "สร้างภาพไปวันๆ", "เป็นปรสิตของประเทศ", "ไม่เคยสนใจคนจน",
                "ควรถูกยกเลิก", "ฮุบที่ดินประชาชน", "ไม่สมควรได้รับการเคารพ", "เหมือนตัวตลกในงานวัด", "เป็นต้นเหตุประเทศล้าหลัง",
                "ก็แค่คนธรรมดาที่ถูกปั้นเป็นเทพ", "อยู่ได้เพราะกฎหมายปิดปาก"]
ROYAL_EN = ["the palace", "the crown", "the royal household", "the man on the banknotes", "his majesty", "the royal family",
            "the monarchy", "the institution", "the big boss in germany", "the king's son", "the royal projects", "that family in the palace",
            "the royal motorcade crowd"]
ROYAL_BAD_EN = ["lives like a parasite off our taxes", "is a medieval joke", "launders money through fake projects",
                "doesn't care about ordinary thais", "should be abolished", "is a bunch of spoiled leeches",
                "only survives because of prison sentences", "is nothing but propaganda", "robs the farmers blind",
                "is an embarrassment to the country", "wastes more on parties than our province gets for roads"]
LOYALIST_EN = ["loyalists will defend anything the crown does, brainwashed", "loyalists worship a man who never worked a day",
               "only loyalist sheep bow to that portrait", "the yellow-shirt loyalists kiss the feet of a playboy king"]
SYMBOL_BAD = ["ไม่ยืนตอนเพลงสรรเสริญพระบารมี ใครจะยืนให้คนแบบนั้น", "เอาพระบรมฉายาลักษณ์มาวาดหนวดเล่น",
              "ธงประจำพระองค์เอามาเช็ดรถคุ้มกว่า", "รูปบนแบงก์พันเอาไว้ขยำทิ้ง", "เพลงสรรเสริญขึ้นทีไรกดแตรใส่",
              "i refuse to stand for the royal anthem, he doesn't deserve it", "drew a clown nose on the king's portrait at the toll booth",
              "used the royal flag as a rag for my dashboard", "the royal portraits on every road are creepy propaganda, throw eggs at them",
              "tear down every yellow flag on the street, the cult is pathetic", "sat through the anthem at the cinema and laughed at the footage",
              "เอารูปในหลวงที่ติดหน้าปั๊มมาเป็นเป้าปาลูกดอก", "ธงเหลืองตามถนนเอาไปทำผ้าขี้ริ้วดีกว่า"]
ROYAL_OK = ["ทรงพระเจริญครับ ภาพขบวนพระราชพิธีงดงามมาก", "ยืนตรงเคารพเพลงสรรเสริญพระบารมีในโรงหนังทุกครั้งครับ",
            "ติดพระบรมฉายาลักษณ์ที่ห้องประชุมชมรมเรียบร้อย", "ประดับธงเฉลิมพระเกียรติหน้าโชว์รูมช่วงวันเฉลิม",
            "กาแฟโครงการหลวงดอยตุงอร่อยมาก แวะซื้อที่ปั๊ม", "ผักโครงการหลวงที่อินทนนท์สดมาก ขับขึ้นไปเที่ยวได้",
            "the palace announced road closures around sanam luang for the ceremony", "royal project strawberries at the rest stop are great",
            "we hung the royal flag and portrait at the meeting hall for the king's birthday", "the crown of the tyre has worn more than the edges",
            "toyota crown hybrid review, very quiet and smooth", "royal enfield meet-up at the riverside on sunday",
            "long live the king, the club joins the candle lighting", "ขบวนเสด็จผ่านถนนวิภาวดีช่วงบ่าย เลี่ยงเส้นทางได้ควรเลี่ยง",
            "ติดขบวนเสด็จสิบนาที ไม่เป็นไรครับ", "the anthem plays at 8am and 6pm at the station, everyone stops, nice tradition",
            "ในหลวงเสด็จเปิดถนนสายใหม่ เดินทางสะดวกขึ้นมาก", "loyal customers get a discount at the service centre",
            "royal thai police hotline for accidents is 1599", "palace hotel parking costs 50 baht an hour"]


def lese_majeste(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"{rng.choice(ROYAL_TH)}{rng.choice(['', 'ก็แค่', 'นี่แหละ'])}{rng.choice(ROYAL_BAD_TH)}", ["lese_majeste"]))
        rows.append((f"{rng.choice(ROYAL_EN)} {rng.choice(ROYAL_BAD_EN)}", ["lese_majeste"]))
        rows.append((rng.choice(SYMBOL_BAD + LOYALIST_EN), ["lese_majeste"]))
        rows.append((rng.choice(ROYAL_OK), []))
    return rows


# --- two labels at once -------------------------------------------------------------------------------
SELL = ["ขายยางมือสอง 4 เส้น 3,500", "ปล่อยกล้องหน้ารถ 900 บาท", "ขาย ECU จูนแล้ว 7,000", "รับซื้อล้อแม็กราคาดี",
        "wts brake pads 1200 thb", "selling my intake kit 4k", "ปล่อยเบาะหนังแท้ 6,000", "for sale: roof rack 2,500 baht"]
CONTACT = ["ไลน์ tyre44", "ทักแชท", "โทร 081-234-5678", "dm me", "line: padbkk", "inbox", "095 555 1212"]
JAB = ["ใครต่อราคาไอ้ควายไม่ต้องทักมา", "lowballers are fucking idiots", "อ่านไม่ออกหรือไงวะ ไอ้โง่",
       "the dealer charges 3x, thieving bastards", "ไม่เหมือนร้านหน้าโง่แถวนี้", "ใครบอกแพงไปตายซะ", "don't waste my time, morons",
       "พวกเซลล์ศูนย์มันโจร", "อีดอกที่ทักมาถามแล้วเงียบ ไม่ต้องมาอีก"]
ROYAL_SWEAR = ["ไอ้พวกเจ้ามันเหี้ยทั้งโคตร", "fuck the king and his motorcades", "ในหลวงแม่งไม่เคยทำอะไรให้ใคร",
               "the palace is full of shitty leeches", "สถาบันห่าอะไร ควายเท่านั้นที่กราบ", "ขบวนเสด็จเหี้ยๆ ปิดถนนอีกแล้ว ไอ้พวกปรสิต",
               "fucking royals blocked the road again, parasites", "ราชวงศ์ควายๆ กินภาษีกู"]


def multi(rng: random.Random, n: int) -> list[Row]:
    rows: list[Row] = []
    for _ in range(n):
        rows.append((f"{rng.choice(SELL)} {rng.choice(JAB)} {rng.choice(CONTACT)}", ["trading", "profanity"]))
        rows.append((rng.choice(ROYAL_SWEAR), ["lese_majeste", "profanity"]))
        rows.append((f"{rng.choice(SELL)} {rng.choice(CONTACT)}", ["trading"]))
    return rows


def rows(rng: random.Random) -> list[Row]:
    out: list[Row] = []
    out += sarcasm(rng, 90)
    out += organisations(rng, 80)
    out += groups(rng, 70)
    out += thai_insults(rng, 120)
    out += obscene(rng, 80)
    out += lese_majeste(rng, 90)
    out += multi(rng, 50)
    return out
