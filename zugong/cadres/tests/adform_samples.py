"""Records for the 任免审批表 renderer tests, built inline (no LRMX parsing involved)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from zugong.cadres.lrmx.record import FamilyMember, LrmxRecord


def sample_photo(width: int = 376, height: int = 460, fmt: str = "JPEG") -> bytes:
    """A plain passport-style picture: blue background, a grey head and shoulders."""
    image = Image.new("RGB", (width, height), (60, 110, 190))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.55), fill=(235, 205, 180))
    draw.rectangle((width * 0.15, height * 0.6, width * 0.85, height), fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


RESUME_20 = "\n".join(
    [
        "1996.09--2000.07  华东师范大学政治学系思想政治教育专业学习",
        "2000.07--2002.03  青山县城关镇党政办公室科员",
        "2002.03--2004.06  青山县城关镇团委书记",
        "2004.06--2006.09  青山县委组织部干部科科员",
        "2006.09--2008.12  青山县委组织部干部科副科长",
        "2008.12--2011.05  青山县委组织部干部科科长",
        "（其间：2009.09--2011.07在中央党校函授学院经济管理专业在职大学学习）",
        "2011.05--2013.08  青山县柳河乡党委副书记、乡长",
        "2013.08--2016.01  青山县柳河乡党委书记",
        "2016.01--2017.03  青山县发展和改革局党组书记、局长",
        "2017.03--2018.11  青山县人民政府办公室党组书记、主任",
        "2018.11--2019.12  青山县委办公室副主任（正科级）",
        "2019.12--2020.10  青山县委组织部副部长（正科级）",
        "2020.10--2021.06  青山县委组织部常务副部长",
        "2021.06--2022.09  青山县委组织部常务副部长，县委编办主任",
        "2022.09--2023.04  青山县委常委、组织部部长候选人，县委组织部常务副部长",
        "2023.04--2024.02  青山县委常委、组织部部长",
        "2024.02--2025.01  青山县委常委、组织部部长，县委党校校长",
        "2025.01--2025.06  青山县委常委、组织部部长，县委党校校长（兼）",
        "2025.06--         青山县委常委、组织部部长",
    ]
)


def full_record() -> LrmxRecord:
    """A realistic cadre: 20 简历 lines, 5 family members, a JPEG photo."""
    return LrmxRecord(
        name="李明华",
        gender="男",
        birth_month="197805",
        ethnicity="汉族",
        native_place="江苏南通",
        birthplace="江苏海门",
        party_joined="199912",
        work_started="200007",
        health="健康",
        professional_title="高级经济师",
        expertise="组织人事工作",
        fulltime_education="大学",
        fulltime_degree="法学学士",
        fulltime_education_school="华东师范大学政治学系思想政治教育专业",
        parttime_education="研究生",
        parttime_degree="管理学硕士",
        parttime_education_school="中央党校研究生院经济管理专业",
        parttime_degree_school="南京大学商学院工商管理专业",
        current_post="青山县委常委、组织部部长",
        proposed_post="青山县委副书记",
        proposed_removal="青山县委组织部部长职务",
        resume=RESUME_20,
        rewards="2019.12，经青山县委批准，记三等功；\n2022.06，被评为全市优秀组工干部。",
        assessments="2022年度考核称职，2023年度考核优秀，2024年度考核优秀。",
        reason="工作需要",
        family=[
            FamilyMember("妻子", "王雪梅", "198003", "中共党员", "青山县实验小学教师"),
            FamilyMember("儿子", "李子墨", "200809", "共青团员", "南京大学学生"),
            FamilyMember("父亲", "李建国", "195002", "中共党员", "青山县供销社退休职工"),
            FamilyMember("母亲", "张秀英", "195207", "群众", "青山县城关镇居民"),
            FamilyMember("岳父", "王德胜", "194911", "群众", "已去世"),
        ],
        reporting_unit="中共青山县委",
        age_reference="20250630",
        filled_on="20250628",
        filled_by="赵小燕",
        id_number="320684197805120017",
        photo=sample_photo(),
    )


def overfull_record() -> LrmxRecord:
    """Everything too long: a 60-line 简历, 10 family members, long rewards and posts."""
    record = full_record()
    record.name = "欧阳建国"
    lines = []
    for index in range(60):
        year = 1965 + index // 2
        lines.append(
            f"{year}.{1 + (index % 2) * 6:02d}--{year + (index % 2)}.{7 - (index % 2) * 6:02d}  "
            f"第{index + 1}段经历：青山县某某乡镇党委副书记、政府乡镇长，兼任县某某工作领导小组成员"
        )
    record.resume = "\n".join(lines)
    record.rewards = "；".join(
        f"{2000 + i}.12，经青山县委批准，授予“优秀共产党员”称号并记三等功" for i in range(12)
    )
    record.current_post = (
        "青山县委常委、组织部部长，县委党校校长，县委编办主任，县人才工作领导小组办公室主任"
    )
    record.family = [
        FamilyMember(
            f"亲属{i + 1}", f"成员{i + 1}", f"{1950 + i * 3}01", "群众", "青山县某单位职工"
        )
        for i in range(10)
    ]
    return record
