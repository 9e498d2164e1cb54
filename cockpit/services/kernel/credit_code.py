"""Unified social credit codes (统一社会信用代码, GB 32100-2015): a verifier refuses a mistyped one by its
check character. Shared by the e-licence register and the sample city's generated licences."""

from __future__ import annotations

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V


CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(first17, CODE_WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    return len(code) == 18 and all(c in CODE_CHARS for c in code) and check_character(code[:17]) == code[17]
