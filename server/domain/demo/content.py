"""What the demo team works on: its cases (with an opening text) and the pain points its people recorded.

Our own demo content, written for it: Chinese first, then English, some mixed as people type them. Four
themes, one per customer (checkout payments, welding robot drift, login codes, delivery delays), each in
both languages, plus a few one-off requests that fit no theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.models import CaseRole

ALICE = "alice@demo.warroom"
BOB = "bob@demo.warroom"
WANG = "wang@demo.warroom"
SAM = "sam@demo.warroom"


@dataclass(frozen=True)
class DemoCase:
    key: str
    title: str
    customer: str
    owner: str
    members: dict[str, CaseRole]
    # (tag, text) blocks of the case document: "heading" or "paragraph"
    opening: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoPainPoint:
    text: str
    case: str
    author: str
    days_ago: float
    product: str


CASES = (
    DemoCase(
        "retail",
        "Checkout failures at peak hours",
        "Acme Retail",
        ALICE,
        {BOB: CaseRole.EDITOR, WANG: CaseRole.COMMENTER, SAM: CaseRole.VIEWER},
        (
            ("heading", "Customer situation"),
            ("paragraph", "Acme Retail sees card payments declined at checkout between 19:00 and 21:00."),
            ("heading", "What we know"),
            ("paragraph", "高峰期支付失败率约 4%，客户投诉集中在移动端。"),
        ),
    ),
    DemoCase(
        "welding",
        "焊接机器人轨迹漂移",
        "华东重工集团",
        BOB,
        {SAM: CaseRole.EDITOR, WANG: CaseRole.COMMENTER, ALICE: CaseRole.VIEWER},
        (
            ("heading", "客户现状"),
            ("paragraph", "底盘焊接线 12 台机器人，连续运行数小时后焊缝位置偏移，返工率从 1% 升到 6%。"),
            ("heading", "下一步"),
            ("paragraph", "收集夜班的 TCP 标定日志，与白班对比。"),
        ),
    ),
    DemoCase(
        "bank",
        "手机银行登录与验证码",
        "江南商业银行",
        WANG,
        {ALICE: CaseRole.EDITOR, BOB: CaseRole.COMMENTER},
        (
            ("heading", "客户现状"),
            ("paragraph", "5.2 版本上线后，登录失败和 APP 闪退的投诉两周内翻倍。"),
            ("heading", "影响"),
            ("paragraph", "登录不了的客户都涌到网点柜台，排队时间翻了一倍。"),
        ),
    ),
    DemoCase(
        "logistics",
        "Delivery delays in South China",
        "顺达物流",
        SAM,
        {ALICE: CaseRole.EDITOR, WANG: CaseRole.EDITOR, BOB: CaseRole.COMMENTER},
        (
            ("heading", "Customer situation"),
            ("paragraph", "ShunDa's next-day promise holds for 71% of parcels in Guangdong, down from 93%."),
            ("heading", "客户诉求"),
            ("paragraph", "希望在大促前把干线运力和末端配送的瓶颈找出来。"),
        ),
    ),
)

_POS = "POS 收银系统"
_APP = "移动 APP"
_WELD = "焊接工作站"
_LOGIN = "手机银行登录"
_TMS = "TMS 运输管理"
_OTHER = "其他"

# The themes R&D should find, each in Chinese and English, as the authors wrote them over six weeks.
THEMES: dict[str, tuple[DemoPainPoint, ...]] = {
    # Checkout payments: a promotion a month ago, fading since.
    "checkout payments": (
        DemoPainPoint("晚高峰 19:00–21:00 收银台刷卡支付频繁失败，顾客排起长队", "retail", ALICE, 40, _POS),
        DemoPainPoint(
            "微信支付扫码后一直显示「支付处理中」，收银员只能让顾客重新付款", "retail", BOB, 37, _POS
        ),
        DemoPainPoint("促销日门店 POS 调用支付网关超时，每单平均多等 30 秒", "retail", ALICE, 33, _POS),
        DemoPainPoint("同一笔订单被重复扣款两次，顾客到服务台投诉要求退款", "retail", WANG, 29, _POS),
        DemoPainPoint("自助收银机的支付宝付款失败率明显高于人工收银台", "retail", BOB, 22, _POS),
        DemoPainPoint("会员APP结算时付款失败，购物车里的商品全部丢失", "retail", ALICE, 12, _APP),
        DemoPainPoint("银联卡在收银台支付提示「交易超时」，但卡里的钱已经扣了", "retail", WANG, 8, _POS),
        DemoPainPoint(
            "Card payments at the tills are declined in the evening peak although customers have funds",
            "retail",
            ALICE,
            39,
            _POS,
        ),
        DemoPainPoint(
            "The payment gateway times out at checkout on promotion days and queues reach the entrance",
            "retail",
            BOB,
            34,
            _POS,
        ),
        DemoPainPoint(
            "Customers are charged twice when the POS retries a timed-out card payment",
            "retail",
            WANG,
            26,
            _POS,
        ),
        DemoPainPoint("周末高峰 POS 支付 timeout，收银台只能改收现金", "retail", ALICE, 15, _POS),
        DemoPainPoint("会员APP在付款页面闪退，不知道这笔订单有没有付款成功", "retail", BOB, 5, _APP),
    ),
    # Welding robot drift: a steady trickle from the plant.
    "welding robot drift": (
        DemoPainPoint("焊接机器人连续工作 4 小时后，焊缝轨迹偏移约 1.5 毫米", "welding", BOB, 41, _WELD),
        DemoPainPoint("机器人 TCP 标定后第二天轨迹又开始漂移，每天都要重新示教", "welding", SAM, 35, _WELD),
        DemoPainPoint("车间温度升高后焊枪位置偏差变大，焊缝出现咬边", "welding", BOB, 27, _WELD),
        DemoPainPoint("换班后首件焊接轨迹偏离工件边缘，质检返工率上升", "welding", WANG, 20, _WELD),
        DemoPainPoint("激光寻位传感器读数漂移，导致焊缝跟踪失败", "welding", SAM, 13, _WELD),
        DemoPainPoint("焊接电流稳定，但焊缝位置逐渐偏移，怀疑机器人零点漂移", "welding", BOB, 3, _WELD),
        DemoPainPoint(
            "The welding robot's path drifts by more than a millimetre after a few hours of running",
            "welding",
            BOB,
            31,
            _WELD,
        ),
        DemoPainPoint(
            "Robots must be re-taught every shift because the seam tracking offset keeps growing",
            "welding",
            SAM,
            17,
            _WELD,
        ),
        DemoPainPoint(
            "Weld seams on the chassis line are off-centre once the robot has warmed up",
            "welding",
            BOB,
            7,
            _WELD,
        ),
        DemoPainPoint(
            "After a fixture change the robot's weld path is several millimetres off",
            "welding",
            SAM,
            10,
            _WELD,
        ),
        DemoPainPoint("6 号工位焊接机器人 TCP 偏移，seam tracking 频繁报警", "welding", SAM, 1, _WELD),
    ),
    # Login codes: rising since the bank changed its SMS provider.
    "login codes": (
        DemoPainPoint("手机银行登录时短信验证码经常收不到，只能去柜台办理", "bank", WANG, 24, _LOGIN),
        DemoPainPoint("登录验证码 60 秒就过期，短信延迟到达时已经失效", "bank", ALICE, 16, _LOGIN),
        DemoPainPoint("更换手机号后收不到登录验证码，账户被锁定", "bank", WANG, 10, _LOGIN),
        DemoPainPoint("人脸识别登录在光线较暗的环境下反复失败", "bank", BOB, 6, _LOGIN),
        DemoPainPoint("老年客户看不懂登录时的动态口令提示，多次输错后被锁定", "bank", WANG, 2, _LOGIN),
        DemoPainPoint("升级到 5.2 版本后，手机银行APP登录时闪退", "bank", ALICE, 4, _LOGIN),
        DemoPainPoint(
            "Login OTP text messages arrive minutes late and have already expired", "bank", ALICE, 14, _LOGIN
        ),
        DemoPainPoint(
            "Customers abroad never receive the SMS code they need to sign in", "bank", WANG, 5, _LOGIN
        ),
        DemoPainPoint(
            "The account locks after three wrong OTP entries and cannot be unlocked in the app",
            "bank",
            ALICE,
            1,
            _LOGIN,
        ),
        DemoPainPoint(
            "The login page rejects a correct SMS code when the app was in the background",
            "bank",
            BOB,
            9,
            _LOGIN,
        ),
        DemoPainPoint("登录 OTP 短信被运营商拦截，客户收不到验证码", "bank", WANG, 0.5, _LOGIN),
    ),
    # Delivery delays: the promotion peak three to four weeks ago.
    "delivery delays": (
        DemoPainPoint("华南仓发往广州门店的货物平均延误两天", "logistics", SAM, 38, _TMS),
        DemoPainPoint("物流轨迹三天没有更新，收货人一直打电话催件", "logistics", WANG, 30, _TMS),
        DemoPainPoint("大促期间干线运输爆仓，承诺的次日达变成了四日达", "logistics", SAM, 27, _TMS),
        DemoPainPoint("偏远乡镇的配送经常超过承诺时效，收货方要求赔偿", "logistics", ALICE, 23, _TMS),
        DemoPainPoint("司机没有按预约时间送货，仓库的收货窗口已经关闭", "logistics", SAM, 19, _TMS),
        DemoPainPoint("包裹出库后隔天才有揽收记录，收货人以为还没发货", "logistics", WANG, 12, _TMS),
        DemoPainPoint(
            "Deliveries to the Guangzhou stores arrive two days later than promised",
            "logistics",
            ALICE,
            28,
            _TMS,
        ),
        DemoPainPoint(
            "Tracking stays at 'in transit' for days without any update", "logistics", WANG, 25, _TMS
        ),
        DemoPainPoint(
            "Next-day delivery took four days during the promotion peak", "logistics", SAM, 21, _TMS
        ),
        DemoPainPoint(
            "The parcel shows 'out for delivery' but is delivered two days later",
            "logistics",
            ALICE,
            6,
            _TMS,
        ),
        DemoPainPoint(
            "跨境包裹在清关环节卡了一周，tracking 一直显示 customs hold", "logistics", SAM, 9, _TMS
        ),
    ),
}
# One-off requests: R&D sees them apart, in no cluster.
ONE_OFFS = (
    DemoPainPoint("希望季度经营报表可以直接导出为 Excel", "logistics", WANG, 18, _OTHER),
    DemoPainPoint("客户希望合同续签可以在线完成，不用再寄纸质文件", "bank", WANG, 11, _OTHER),
    DemoPainPoint(
        "The printed manual of the welding cell is only in English; the plant needs it in Chinese",
        "welding",
        SAM,
        16,
        _OTHER,
    ),
)
PAIN_POINTS = tuple(p for members in THEMES.values() for p in members) + ONE_OFFS
