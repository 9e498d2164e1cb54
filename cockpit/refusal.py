"""One refusal type for every service: a key and values that the UI says in the viewer's language and the
API answers with its HTTP status (English message plus the key, so a client can translate too)."""

from __future__ import annotations

from cockpit.i18n import TABLE, t


class Refused(ValueError):
    http = 400

    def __init__(self, key: str, http: int | None = None, **values: object) -> None:
        self.key, self.values = key, values
        if http is not None:
            self.http = http
        super().__init__(self.say("en"))

    def say(self, lang: str) -> str:
        """The message in `lang`; values that are i18n keys (statuses, actions) are said in `lang` too."""
        said = {k: t(v, lang) if isinstance(v, str) and v in TABLE else v for k, v in self.values.items()}
        return t("err." + self.key, lang, **said)

    def answer(self) -> tuple[dict[str, object], int]:
        return {"error": self.say("en"), "code": self.key}, self.http
