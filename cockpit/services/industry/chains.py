"""The industry chains (产业链) the cockpit maps, declared once: each node's tier, what it feeds, how a company
is recognised as working in it (its Tushare industry class, or words of its main business), and its
strategic weight. Weights follow Beijing's 14th five-year plan for high-end industries (北京市"十四五"时期高精尖
产业发展规划): the core technologies it names 卡脖子 (chip equipment and materials, EDA, AI chips, innovative
drugs) weigh 1.0, the rest of the midstream 0.8, the downstream markets 0.6."""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ("up", "mid", "down")


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    name_en: str
    tier: str
    weight: float
    keywords: tuple[str, ...]
    industries: tuple[str, ...] = ()  # a company of these classes belongs here when no keyword of the chain says
    feeds: tuple[str, ...] = ()  # the nodes that buy what this node makes


@dataclass(frozen=True)
class Chain:
    key: str
    name: str
    name_en: str
    nodes: tuple[Node, ...]


CHAINS = (
    Chain(
        "ic",
        "集成电路",
        "Integrated circuits",
        (
            Node(
                "ic_material",
                "半导体材料",
                "Semiconductor materials",
                "up",
                1.0,
                ("硅片", "光刻胶", "靶材", "电子特气", "抛光", "湿电子化学品"),
                feeds=("ic_fab", "ic_package"),
            ),
            Node(
                "ic_equipment",
                "半导体设备",
                "Semiconductor equipment",
                "up",
                1.0,
                ("半导体设备", "刻蚀", "薄膜沉积", "光刻", "离子注入", "清洗设备"),
                feeds=("ic_fab", "ic_package"),
            ),
            Node("ic_eda", "EDA与IP", "EDA and IP", "up", 1.0, ("EDA", "IP核"), feeds=("ic_design",)),
            Node(
                "ic_design",
                "芯片设计",
                "Chip design",
                "mid",
                0.8,
                ("芯片设计", "集成电路设计", "处理器", "SoC", "芯片"),
                ("半导体",),
                feeds=("ic_fab", "ic_consumer", "ic_auto", "ic_compute"),
            ),
            Node(
                "ic_fab",
                "晶圆制造",
                "Wafer fabrication",
                "mid",
                1.0,
                ("晶圆", "代工", "集成电路制造"),
                feeds=("ic_package",),
            ),
            Node(
                "ic_package",
                "封装测试",
                "Packaging and test",
                "mid",
                0.8,
                ("封装", "封测"),
                feeds=("ic_consumer", "ic_auto", "ic_compute"),
            ),
            Node(
                "ic_consumer",
                "消费电子",
                "Consumer electronics",
                "down",
                0.6,
                ("消费电子", "手机", "可穿戴"),
                ("元器件",),
            ),
            Node("ic_auto", "汽车电子", "Automotive electronics", "down", 0.6, ("汽车电子",)),
            Node(
                "ic_compute",
                "通信与计算设备",
                "Communication and computing equipment",
                "down",
                0.6,
                ("服务器", "基站", "交换机", "路由器"),
                ("通信设备", "IT设备"),
            ),
        ),
    ),
    Chain(
        "ai",
        "人工智能",
        "Artificial intelligence",
        (
            Node(
                "ai_chip",
                "智能芯片",
                "AI chips",
                "up",
                1.0,
                ("AI芯片", "人工智能芯片", "GPU", "FPGA"),
                feeds=("ai_compute", "ai_platform"),
            ),
            Node(
                "ai_compute",
                "算力与云",
                "Computing power and cloud",
                "up",
                0.8,
                ("云计算", "数据中心", "IDC", "算力", "服务器"),
                feeds=("ai_platform", "ai_vision"),
            ),
            Node(
                "ai_data",
                "数据资源",
                "Data resources",
                "up",
                0.8,
                ("大数据", "数据服务", "数据治理"),
                feeds=("ai_platform", "ai_vision"),
            ),
            Node(
                "ai_platform",
                "算法与平台",
                "Algorithms and platforms",
                "mid",
                1.0,
                ("人工智能", "机器学习", "深度学习", "大模型", "AI"),
                feeds=("ai_city", "ai_drive", "ai_robot", "ai_gov"),
            ),
            Node(
                "ai_vision",
                "视觉与语音",
                "Vision and speech",
                "mid",
                0.8,
                ("计算机视觉", "图像识别", "人脸识别", "语音", "视频分析"),
                feeds=("ai_city", "ai_drive", "ai_robot"),
            ),
            Node("ai_city", "智慧城市与安防", "Smart city and security", "down", 0.6, ("安防", "智慧城市", "视频监控")),
            Node("ai_drive", "智能驾驶", "Intelligent driving", "down", 0.6, ("自动驾驶", "智能驾驶", "车联网")),
            Node("ai_robot", "智能机器人", "Intelligent robots", "down", 0.6, ("机器人",)),
            Node(
                "ai_gov",
                "智慧政务与金融",
                "Digital government and finance",
                "down",
                0.6,
                ("电子政务", "智慧政务", "金融科技"),
            ),
        ),
    ),
    Chain(
        "bio",
        "生物医药",
        "Biomedicine",
        (
            Node(
                "bio_api",
                "原料药与中间体",
                "APIs and intermediates",
                "up",
                0.8,
                ("原料药", "中间体"),
                feeds=("bio_chem", "bio_tcm"),
            ),
            Node(
                "bio_cro",
                "研发外包",
                "Contract research (CRO/CDMO)",
                "up",
                1.0,
                ("CRO", "CDMO", "临床研究", "研发外包", "临床前"),
                feeds=("bio_chem", "bio_bio", "bio_device"),
            ),
            Node(
                "bio_chem",
                "化学药",
                "Chemical drugs",
                "mid",
                0.8,
                ("化学药", "制剂"),
                ("化学制药",),
                feeds=("bio_trade", "bio_service"),
            ),
            Node(
                "bio_bio",
                "生物药",
                "Biologics",
                "mid",
                1.0,
                ("疫苗", "抗体", "血液制品", "生物药", "基因"),
                ("生物制药",),
                feeds=("bio_trade", "bio_service"),
            ),
            Node(
                "bio_tcm",
                "中药",
                "Traditional Chinese medicine",
                "mid",
                0.6,
                ("中药", "中成药"),
                ("中成药",),
                feeds=("bio_trade", "bio_service"),
            ),
            Node(
                "bio_device",
                "医疗器械与诊断",
                "Medical devices and diagnostics",
                "mid",
                0.8,
                ("医疗器械", "诊断", "试剂"),
                ("医疗保健",),
                feeds=("bio_trade", "bio_service"),
            ),
            Node(
                "bio_trade",
                "医药流通",
                "Pharmaceutical distribution",
                "down",
                0.6,
                ("医药流通", "药品批发", "药品零售", "医药分销"),
                ("医药商业",),
            ),
            Node("bio_service", "医疗服务", "Medical services", "down", 0.6, ("医院", "医疗服务", "体检")),
        ),
    ),
    Chain(
        "nev",
        "新能源汽车",
        "New-energy vehicles",
        (
            Node(
                "nev_mineral",
                "锂钴稀土资源",
                "Lithium, cobalt, rare earths",
                "up",
                0.8,
                ("锂矿", "碳酸锂", "钴", "稀土"),
                feeds=("nev_material", "nev_motor"),
            ),
            Node(
                "nev_material",
                "电池材料",
                "Battery materials",
                "up",
                1.0,
                ("正极", "负极", "电解液", "隔膜"),
                feeds=("nev_battery",),
            ),
            Node(
                "nev_battery",
                "动力电池",
                "Traction batteries",
                "mid",
                1.0,
                ("动力电池", "锂电池", "储能", "电池"),
                feeds=("nev_vehicle", "nev_charge"),
            ),
            Node(
                "nev_motor",
                "电机电控",
                "Motors and controllers",
                "mid",
                0.8,
                ("电机", "电控", "电驱"),
                feeds=("nev_vehicle",),
            ),
            Node(
                "nev_parts",
                "汽车零部件",
                "Vehicle parts",
                "mid",
                0.6,
                ("汽车零部件", "汽车配件"),
                ("汽车配件",),
                feeds=("nev_vehicle",),
            ),
            Node(
                "nev_vehicle",
                "整车",
                "Vehicles",
                "down",
                0.6,
                ("整车", "新能源汽车", "乘用车"),
                ("汽车整车",),
                feeds=("nev_service",),
            ),
            Node("nev_charge", "充电与换电", "Charging and swapping", "down", 0.6, ("充电桩", "充电", "换电")),
            Node("nev_service", "汽车服务", "Vehicle services", "down", 0.6, ("汽车销售", "汽车租赁"), ("汽车服务",)),
        ),
    ),
)
BY_KEY = {c.key: c for c in CHAINS}
NODES = {n.key: n for c in CHAINS for n in c.nodes}
CHAIN_OF = {n.key: c.key for c in CHAINS for n in c.nodes}
