"""Third pass of issue 13's templates: other sentence shapes and registers for the kinds that did
not generalise (sarcasm aimed at people, disparaged organisations, insulted groups, Thai insults
and curse-wishes, obscene innuendo, two-label posts), each paired with clean posts that share
their words (genuine praise, neutral complaints, groups named for who they are, mechanical and
medical words, respectful royal news).

Shapes differ from `issue13.py`: the target comes last, the insult is in the middle of an
ordinary car story, dialect and chat endings (เด้อ, จ้า, อะ, 555), British and Thai-English
slang. Rows are thinned by `build._thin_near_copies` like the other templates.
"""

from __future__ import annotations

import random

Row = tuple[str, list[str]]

STORY_TH = ["เมื่อเช้าไปเช็กระยะมา", "วันนี้พารถไปล้าง", "เพิ่งกลับจากทริปเขาใหญ่", "ติดอยู่บนทางด่วนชั่วโมงนึง",
            "เอารถเข้าอู่เปลี่ยนผ้าเบรก", "ไปต่อภาษีที่ขนส่งมา", "ขับไปส่งลูกที่โรงเรียน", "จอดรถที่ห้างเมื่อวาน",
            "เปลี่ยนยางใหม่ครบสี่เส้น", "ไปเคลมประกันมา"]
STORY_EN = ["took the car in for its 60k service today", "just back from a long drive up north",
            "sat in traffic on the expressway for an hour", "had the brakes done this morning",
            "went to renew the road tax", "dropped the kids at school and", "parked at the mall yesterday",
            "got four new tyres fitted", "filed an insurance claim last week"]

# --- sarcasm aimed at a person, target last ---------------------------------------------------------
SARC_TH = ["ขอบคุณมากนะที่{act} ช่วยได้เยอะจริงๆ {end}", "เก่งจังเลย{act} สมควรได้เหรียญทอง {end}",
           "โอ้โห ท่านผู้รู้{act} นับถือในความฉลาด {end}", "สุดยอดไปเลย{act} คนแบบนี้หายากนะ {end}",
           "ปรบมือให้คนที่{act} ยืนปรบมือเลย {end}"]
SARC_ACT_TH = ["แนะนำให้เติมน้ำเปล่าแทนน้ำมันเบรก", "จอดขวางทางหนีไฟ", "บอกว่ายางหมดอายุไม่มีจริง",
               "สอนให้ถอดแบตตอนเครื่องติด", "ตั้งกระทู้ถามเรื่องเดิมทุกวัน",
               "ทำรถลูกค้าพังแล้วโทษลูกค้า", "บีบแตรไล่รถพยาบาล", "ซ่อมแอร์แล้วแอร์ร้อนกว่าเดิม"]
SARC_END_TH = ["ประชดนะ", "5555", "จ้า", "เด้อ", "", "คนเก่งของบอร์ด", "ไอ้คุณ", "ท่านเทพ", "👏"]
SARC_EN = ["thanks a million for {act}, really helped. {end}", "hats off to whoever is {act}. {end}",
           "pure genius, {act}. {end}", "what a star, {act}. {end}", "oh fantastic, {act}. {end}",
           "cheers for {act}, you absolute gem. {end}"]
SARC_ACT_EN = ["telling newbies to skip oil changes", "reviewing a car you never drove",
               "blaming the car for your own driving",
               "bumping a dead thread to advertise your cousin's garage", "tailgating me at 140 with the kids in the back",
               "charging me for a part you never fitted", "telling me the check engine light is decorative"]
SARC_END_EN = ["slow clap", "the forum is lucky to have you", "simply inspiring", "10/10 would ignore again",
               "please keep your wisdom to yourself", "truly the brains of the operation", ""]
THANKS_OK_TH = ["ขอบคุณมากครับที่{act} ช่วยได้เยอะจริงๆ", "เก่งมากครับพี่ {act} ได้ผลเลย",
                "ปรบมือให้คนที่{act} ครับ น่าชื่นชม", "สุดยอดครับ {act} ทำตามแล้วหาย"]
GOOD_ACT_TH = ["แนะนำให้เช็กขั้วแบต", "ช่วยเข็นรถผมออกจากน้ำท่วม", "แชร์วิธีล้างปีกผีเสื้อ", "สอนเปลี่ยนหลอดไฟท้าย",
               "จัดทริปการกุศล", "ช่วยต่อพ่วงแบตตอนตีสอง"]
GOOD_ACT_EN = ["the fuse box diagram", "helping me jump the car at 2am", "organising the charity drive",
               "explaining how to bleed the brakes", "the tip about the drain plugs", "towing me out of the mud"]

# --- organisations ----------------------------------------------------------------------------------
ORG_TH = ["ศูนย์บริการแถวบ้าน", "ร้านเปลี่ยนถ่ายน้ำมันเครื่อง", "เต็นท์รถมือสองหน้าหมู่บ้าน", "ขนส่งจังหวัด",
          "บริษัทไฟแนนซ์เจ้านี้", "ตำรวจด่านตรวจ", "อู่เคาะพ่นสีแถวนี้", "ร้านล้างรถเจ้าดัง", "การทางพิเศษ",
          "บริษัทประกันที่ทำอยู่"]
ORG_BAD_TH = ["มันพวกสิบแปดมงกุฎ", "พวกปล้นกลางแดด", "มีแต่พวกตอแหล", "ไร้สมองทั้งองค์กร", "เหี้ยทั้งบริษัท",
              "พวกกินเงินใต้โต๊ะ", "มันพวกหน้าเลือดไร้ยางอาย", "ทำงานเหมือนควาย", "พวกหลอกแดกลูกค้า"]
ORG_OK_TH = ["รอคิวนานไปนิด แต่งานเรียบร้อย", "ราคาสูงกว่าที่อื่นหน่อย ใครมีที่แนะนำไหม", "ปิดเร็วกว่าที่ประกาศ ควรโทรถามก่อน",
             "เอกสารเยอะหน่อย เตรียมไปให้ครบนะครับ", "ให้บริการดีครับ ประทับใจ"]
ORG_EN = ["the quick-fit place on the bypass", "the finance company", "the used car lot near my village",
          "the provincial transport office", "the highway checkpoint cops", "that body shop",
          "the expressway authority", "my insurance company"]
ORG_BAD_EN = ["are a pack of shameless thieves", "are run by brainless crooks", "lie to every customer who walks in",
              "are a total shitshow of incompetent idiots", "rob customers blind and smile about it, scum",
              "are bloodsucking leeches"]
ORG_OK_EN = ["took longer than promised but did a good job", "charged a bit more than i expected, any alternatives?",
             "closed early, call before you go", "were polite and quick", "needed a lot of paperwork, bring copies"]

# --- groups ----------------------------------------------------------------------------------------
GROUP_TH = ["พวกขับรถกระบะ", "ผู้หญิงหัดขับ", "พวกวัยรุ่นแต่งรถ", "คนต่างจังหวัดเข้ากรุง", "พวกขับรถไฟฟ้า",
            "คนขับรถเมล์", "พวกเสื้อเหลือง", "พวกเสื้อแดง", "พวกนักบิด", "คนแก่ขับเก๋ง", "พวกเจ้าของรถหรู"]
GROUP_BAD_TH = ["มันโง่ทั้งโคตร", "สมองเท่าเม็ดถั่ว", "เป็นขยะของถนน", "นิสัยสันดานเดียวกันหมด",
                "ไม่ควรเกิดมาขับรถ", "หัวขี้เลื่อยทุกตัว", "เถื่อนเหมือนสัตว์"]
GROUP_OK_TH = ["มีกลุ่มในชมรมไหมครับ อยากแลกเปลี่ยนประสบการณ์", "ช่วงนี้เห็นเยอะขึ้นนะครับบนถนน",
               "มีข้อแนะนำเรื่องความปลอดภัยไหมคะ", "ชมรมจัดอบรมให้ฟรีเดือนหน้า"]
GROUP_EN = ["pickup drivers", "learner drivers", "young guys with modified cars", "people from the provinces",
            "ev drivers", "bus drivers", "yellow shirts", "red shirts", "bikers", "old men in sedans", "supercar owners"]
GROUP_BAD_EN = ["are thick as two short planks, all of them", "are a plague on the roads", "should be rounded up and banned",
                "are brain-dead animals", "are all the same trash", "have the iq of a traffic cone"]
GROUP_OK_EN = ["in the club, is there a meet-up for you?", "seem to be more common on the roads lately",
               "can share tips in this thread", "get a free safety course next month"]

# --- Thai insults in stories, curse-wishes ---------------------------------------------------------
INSULT_NOUN_TH = ["ไอ้ควาย", "ไอ้เหี้ย", "ไอ้สัตว์", "อีดอก", "ไอ้หน้าหมา", "ไอ้ส้นตีน", "อีร่าน", "ไอ้หน้าลิง",
                  "ไอ้ลูกกะหรี่", "ไอ้ชาติหมา", "ไอ้หัวควย", "อีเหี้ย", "ไอ้สัส", "ไอ้ตัวเงินตัวทอง", "ไอ้ปลวก"]
INSULT_ACT_TH = ["ที่ขับปาดหน้ากู", "ที่จอดขวางประตู", "ที่ตอบมั่วในกระทู้", "ที่ขูดรถกู", "ที่บีบแตรไล่",
                 "ที่ขโมยป้ายทะเบียน", "ที่ลบรีวิวกู", "ที่ขายของปลอมให้กู"]
CURSE_TH = ["ขอให้ยางระเบิดกลางสะพาน", "ขอให้เกียร์พังกลางทางด่วน", "ขอให้โดนใบสั่งทุกวัน", "ขอให้รถโดนขโมย",
            "ขอให้ไฟไหม้รถทั้งคัน", "ขอให้ชนเสาไฟฟ้า", "ขอให้ตกเหวไปเลย", "ขอให้ติดไฟแดงทั้งชาติ"]
CURSE_OK_TH = ["ขอให้เดินทางปลอดภัยนะครับ", "ขอให้ซ่อมจบไวๆ นะคะ", "ขอให้เคลมผ่านไวๆ ครับ", "ขอให้หายป่วยไวๆ นะครับพี่",
               "ขอให้ทริปสนุกนะครับ"]

# --- innuendo ---------------------------------------------------------------------------------------
INN_TH = ["น้อง{w}ให้พี่หน่อย {t}", "คืนนี้ขอ{w}กับสาวๆ {t}", "ใครอยากให้พี่{w} {t}"]
INN_W_TH = ["เสียบหัวชาร์จ", "อัดจารบี", "เข้าเกียร์ถอยหลัง", "ขัดหัวเทียน", "ลองช่วงล่าง"]
INN_T_TH = ["แบบไม่ใส่ถุงมือนะ 😏", "ในรถมืดๆ", "ให้ครางทั้งคืน", "บนเบาะหลัง", "ไม่ได้หมายถึงรถนะจ๊ะ", "แรงๆ ลึกๆ"]
INN_EN = ["she asked me to {w} {t}", "any lady want me to {w} {t}", "i'll {w} for the girls tonight {t}"]
INN_W_EN = ["plug in my charger", "rev her engine", "test her suspension"]
INN_T_EN = ["and i wasn't talking about the car ;)", "all night in the back seat", "until she screams", "no clothes needed"]
MECH_OK_TH = ["{w}เองได้ไหมครับ หรือต้องเข้าอู่", "ช่างบอกให้{w} ต้องทำบ่อยแค่ไหน", "{w}ใช้เวลานานไหมคะ"]
MECH_OK_EN = ["how do i {w} on a 2016 pickup?", "the garage said i need to {w}, is that urgent?", "can i {w} myself?"]


def _fill(rng: random.Random, template: str, **slots: list[str]) -> str:
    return " ".join(template.format(**{k: rng.choice(v) for k, v in slots.items()}).split())


def rows(rng: random.Random) -> list[Row]:
    out: list[Row] = []
    for _ in range(90):
        out.append((_fill(rng, rng.choice(SARC_TH), act=SARC_ACT_TH, end=SARC_END_TH), ["profanity"]))
        out.append((_fill(rng, rng.choice(SARC_EN), act=SARC_ACT_EN, end=SARC_END_EN), ["profanity"]))
        out.append((_fill(rng, rng.choice(THANKS_OK_TH), act=GOOD_ACT_TH), []))
        out.append((f"thanks a million for {rng.choice(GOOD_ACT_EN)}, pure genius, really helped", []))
    for _ in range(80):
        story = rng.choice(STORY_TH)
        out.append((f"{story} {rng.choice(ORG_TH)}{rng.choice(ORG_BAD_TH)}", ["profanity"]))
        out.append((f"{story} {rng.choice(ORG_TH)}{rng.choice(ORG_OK_TH)}", []))
        story = rng.choice(STORY_EN)
        out.append((f"{story}, {rng.choice(ORG_EN)} {rng.choice(ORG_BAD_EN)}", ["profanity"]))
        out.append((f"{story}, {rng.choice(ORG_EN)} {rng.choice(ORG_OK_EN)}", []))
    for _ in range(70):
        out.append((f"{rng.choice(GROUP_TH)}{rng.choice(GROUP_BAD_TH)}", ["profanity"]))
        out.append((f"{rng.choice(GROUP_TH)} {rng.choice(GROUP_OK_TH)}", []))
        out.append((f"{rng.choice(GROUP_EN)} {rng.choice(GROUP_BAD_EN)}", ["profanity"]))
        out.append((f"{rng.choice(GROUP_EN)} {rng.choice(GROUP_OK_EN)}", []))
    for _ in range(90):
        story = rng.choice(STORY_TH)
        out.append((rng.choice([f"{story} เจอ{rng.choice(INSULT_NOUN_TH)}{rng.choice(INSULT_ACT_TH)}",
                                f"{rng.choice(INSULT_NOUN_TH)}{rng.choice(INSULT_ACT_TH)} {rng.choice(CURSE_TH)}",
                                f"{rng.choice(CURSE_TH)} คน{rng.choice(INSULT_ACT_TH)[3:]}"]), ["profanity"]))
        out.append((f"{story} {rng.choice(CURSE_OK_TH)}", []))
    for _ in range(60):
        out.append((_fill(rng, rng.choice(INN_TH), w=INN_W_TH, t=INN_T_TH), ["obscene"]))
        out.append((_fill(rng, rng.choice(INN_EN), w=INN_W_EN, t=INN_T_EN), ["obscene"]))
        out.append((_fill(rng, rng.choice(MECH_OK_TH), w=INN_W_TH), []))
        out.append((_fill(rng, rng.choice(MECH_OK_EN), w=["bleed the brakes", "flush the radiator",
                                                                 "check the rear shocks", "replace a cv joint"]), []))
    for _ in range(40):  # two labels: an offer with an insult, an org insult with an offer
        out.append((f"{rng.choice(ORG_EN)} {rng.choice(ORG_BAD_EN)}, so i'm selling the car privately, 320k, dm me",
                    ["trading", "profanity"]))
    return out

