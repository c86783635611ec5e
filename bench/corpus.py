"""Generated corpora in the real seed format, built from the shipped seed: no two records alike.

Each record takes the shipped seed's shape and vocabulary and varies what real corpora vary: titles and
excerpts, publishers and their URLs, dates and time zones, AMP pairs, scores, topics, images, videos, and
0 to 8 related items (drawn from the seed's six and from made-up ones). About one record in twelve carries
a planted defect of a kind real corpora have (`DEFECTS`): a wrong type, a bad date, an unknown field, a
URL with a space, a duplicate key, a broken YAML line, ... Everything is derived from the record's index,
so a corpus is the same on every run.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from validator.amp import cache_url

ROOT = Path(__file__).resolve().parent.parent
REAL_SEED = ROOT / "seeds" / "000_d663f88f6a665438.txt"
DEFECT_EVERY = 12

_OUTLETS = [("Reason", "reason.com", ""), ("TechRadar", "techradar.com", "www."), ("Gizmodo", "gizmodo.com", ""),
            ("ITWeb", "itweb.co.za", "www."), ("CBS 58", "cbs58.com", ""), ("The Verge", "theverge.com", "www."),
            ("Ars Technica", "arstechnica.com", ""), ("BBC News", "bbc.co.uk", "www."), ("Wired", "wired.com", "www."),
            ("Le Monde", "lemonde.fr", "www."), ("Heise", "heise.de", "www."), ("NHK", "nhk.or.jp", "www3."),
            ("Spectrum News", "spectrumlocalnews.com", ""), ("ZDNet", "zdnet.com", "www."),
            ("El País", "elpais.com", "")]
_TOPICS = ["AI", "Computer Vision", "Privacy", "Policing", "Surveillance", "Security", "Startups", "Law",
           "Smart Cities", "Biometrics", "Cloud", "Mobile", "Science", "Elections", "Climate", "Space"]


def _seed() -> dict[str, Any]:
    text = REAL_SEED.read_text(encoding="utf-8")
    record: dict[str, Any] = yaml.load(text.split("---\n")[1], Loader=yaml.BaseLoader)  # all text: as written
    return record


_SEED = _seed()
_WORDS = sorted({w.strip('".,?!:;()\'') for item in [_SEED, *_SEED["related"]]
                 for w in (item["title"] + " " + item["excerpt"]).split() if w.strip('".,?!:;()\'').isalpha()})


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def _date(rng: random.Random) -> str:
    zone = rng.choice(["Z", "Z", "Z", "+02:00", "-05:00", "+05:30"])
    fraction = rng.choice(["", "", "", f".{rng.randint(0, 999):03d}"])
    return (f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{fraction}{zone}")


def _secured(rng: random.Random) -> str:
    return ";".join(base64.b64encode(rng.randbytes(rng.randint(n // 2, n))).decode() for n in (700, 16))


def _image(rng: random.Random, host: str, tag: str) -> dict[str, Any]:
    image: dict[str, Any] = {"url": f"https://{rng.choice(['cdn.', 'img.', 'i.'])}{host}/{tag}/{rng.getrandbits(40):x}"
                                    f".{rng.choice(['jpg', 'png', 'webp'])}"}
    if rng.random() < 0.9:
        image.update(width=rng.choice([320, 480, 640, 800, 1200, 1751]), height=rng.choice([180, 269, 320, 450, 985]))
    if rng.random() < 0.8:
        image["isCached"] = rng.random() < 0.7
    return image


def _article(rng: random.Random, tag: str, *, related: bool) -> dict[str, Any]:
    name, domain, www = rng.choice(_OUTLETS)
    if related and rng.random() < 0.4:  # one of the seed's own related items, retitled
        base = rng.choice(_SEED["related"])
        name, domain = base["provider"]["name"], base["provider"]["domain"]
        www = "www." if "//www." in base["webUrl"] else ""
    title = _words(rng, 4, 14).capitalize()
    slug = "-".join(title.lower().split()[:8]) + f"-{tag}"
    url = f"https://{www}{domain}/{rng.randint(2012, 2025)}/{rng.randint(1, 12):02d}/{slug}"
    item: dict[str, Any] = {"title": title, "excerpt": _words(rng, 0, 45) + rng.choice(["", " ...", "."]),
                            "publishedDateTime": _date(rng), "webUrl": url}
    if rng.random() < 0.5:
        amp = url + rng.choice(["?amp", "/amp", "?outputType=amp"])
        item.update(ampWebUrl=amp, cdnAmpWebUrl=cache_url(amp))
    item["type"] = "article"
    item["provider"] = {"name": name, "domain": domain}
    if not related and rng.random() < 0.2:
        item["provider"]["images"] = [_image(rng, domain, "logo")]
    item["quality"] = rng.randint(0, 140)
    if rng.random() < 0.7:
        item["images"] = [_image(rng, domain, tag) for _ in range(rng.randint(1, 3 if not related else 2))]
    return item


def record(index: int) -> dict[str, Any]:
    """A valid record, different from every other index's."""
    rng = random.Random(index)
    main = _article(rng, f"{index:06d}", related=False)
    out: dict[str, Any] = {"category": "news", "title": main["title"], "excerpt": main["excerpt"],
                           "publishedDateTime": main["publishedDateTime"]}
    video = rng.random() < 0.08
    if video:
        out["originalUrl"] = main["webUrl"]
        out["type"] = "video"
        out["featuredContent"] = (f'<iframe width="560" height="315" src="https://www.youtube.com/embed/'
                                  f'{rng.getrandbits(44):011x}" frameborder="0" allowfullscreen></iframe>')
    else:
        out["originalUrl"] = main["webUrl"] + (f"?utm_source=feed&id={index}" if rng.random() < 0.2 else "")
        out["webUrl"] = main["webUrl"]
        out.update({k: main[k] for k in ("ampWebUrl", "cdnAmpWebUrl") if k in main})
        out["type"] = "article"
    if rng.random() < 0.85:
        out.update(quality=main["quality"], heat=rng.choice([-1, -1, rng.randint(0, 5000)]),
                   published=rng.random() < 0.5)
    out["provider"] = main["provider"]
    out["topics"] = rng.sample(_TOPICS, rng.randint(0, 5))
    if "images" in main:
        out["images"] = main["images"]
    related = [_article(rng, f"{index:06d}-{n}", related=True) for n in range(rng.choice([0, 1, 2, 3, 4, 5, 6, 6, 8]))]
    if related:
        out["related"] = related
    out["secured"] = _secured(rng)
    return out


# Planted defects: each changes the record (or its text) the way a person or a broken feed would.
def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda r: r.__setitem__(key, value)


def _related(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(r: dict[str, Any]) -> None:
        r.setdefault("related", [_article(random.Random(len(r["title"])), "extra", related=True)])
        change(r["related"][-1])
    return apply


DEFECTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "type": _set("quality", "high"),
    "enum": _set("type", "story"),
    "date-format": _set("publishedDateTime", "2021-04-09 at noon"),
    "leap-second": _set("publishedDateTime", "2016-12-31T23:59:60Z"),
    "unknown-field": _set("publised", True),
    "missing-required": lambda r: r.pop("excerpt"),
    "empty-title": _set("title", ""),
    "uri-format": _related(lambda item: item.__setitem__("webUrl", item["webUrl"] + "/TWC<News>")),
    "url-space": lambda r: r.__setitem__("originalUrl", r["originalUrl"].replace("-", " ", 1)),
    "url-scheme": lambda r: r.__setitem__("originalUrl", r["originalUrl"].replace("https://", "")),
    "amp-mismatch": _related(lambda item: item.update(ampWebUrl=item["webUrl"] + "?amp",
                                                      cdnAmpWebUrl=item["webUrl"] + "?amp")),
    "future-date": _set("publishedDateTime", "2099-01-01T00:00:00Z"),
    "related-before-web": _related(lambda item: item.__setitem__("publishedDateTime", "1989-04-07T22:00:00Z")),
    "provider-domain": lambda r: r["provider"].__setitem__("domain", "example.org"),
    "secured": _set("secured", "not base64!"),
    "image-size": _related(lambda item: item.__setitem__("images", [{"url": "https://i.example.com/a.jpg",
                                                                    "width": 0, "height": 10}])),
    "dependent-required": lambda r: r.update(quality=1, heat=1, published=None) or r.pop("published"),
    "null-topic": lambda r: r.__setitem__("topics", [*r["topics"], None]),
    "duplicate-article": lambda r: r.__setitem__("originalUrl", record(0)["originalUrl"]),
}
# Defects only text can carry.
TEXT_DEFECTS: dict[str, Callable[[str], str]] = {
    "duplicate-key": lambda text: text.replace("\ncategory: news\n", "\ncategory: news\ncategory: news\n", 1),
    "yaml-syntax": lambda text: text.replace("\ntitle: ", "\ntitle: [", 1),
}
DEFECT_NAMES = sorted([*DEFECTS, *TEXT_DEFECTS])


def defect_of(index: int) -> str | None:
    """The defect planted in record index, if any (one in DEFECT_EVERY, cycling through every kind)."""
    if index % DEFECT_EVERY != DEFECT_EVERY - 1:
        return None
    return DEFECT_NAMES[(index // DEFECT_EVERY) % len(DEFECT_NAMES)]


def record_text(index: int) -> str:
    """Record index as a seed file (front matter), with its planted defect if it has one."""
    defect = defect_of(index)
    data = record(index)
    if defect in DEFECTS:
        DEFECTS[defect](data)
    text = "---\n" + render(data) + "---\n"
    return TEXT_DEFECTS[defect](text) if defect in TEXT_DEFECTS else text


def render(data: dict[str, Any], indent: str = "") -> str:
    """YAML in the seed's style: quoted text, unquoted dates, numbers and names; blank lines between blocks."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:\n{render(value, indent + '  ')}")
        elif isinstance(value, list) and (not value or not isinstance(value[0], dict)):
            items = "".join(f"{indent}  - {_scalar(key, v)}\n" for v in value)
            lines.append(f"{indent}{key}:\n{items}" if value else f"{indent}{key}: []\n")
        elif isinstance(value, list):
            blocks = [render(item, indent + "    ") for item in value]
            lines.append(f"{indent}{key}:\n" + "".join(f"{indent}  - {block[len(indent) + 4:]}" for block in blocks))
        else:
            lines.append(f"{indent}{key}: {_scalar(key, value)}\n")
        if not indent and isinstance(value, dict | list):
            lines[-1] += "\n"
    return "".join(lines)


_PLAIN_KEYS = frozenset({"category", "type", "name", "domain", "publishedDateTime", "topics"})


def _scalar(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if key in _PLAIN_KEYS and text and text[0].isalnum() and ": " not in text and " #" not in text and text.isascii():
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def write_corpus(directory: Path, count: int, *, plain_yaml: bool = False) -> list[Path]:
    """count seed files (front matter .txt), or the same records as plain .yaml for tools that need it."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        text = record_text(index)
        if plain_yaml:
            path = directory / f"{index:06d}.yaml"
            path.write_text(text.split("---\n")[1], encoding="utf-8")
        else:
            path = directory / f"{index:06d}.txt"
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.corpus DIR --records N`: the generated corpus, for trying seed-validator on it."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description="Write a varied corpus of seed files generated from the "
                                                 "shipped seed (one in twelve with a planted defect).")
    parser.add_argument("directory", type=Path, help="where the seed files go (created)")
    parser.add_argument("--records", type=int, default=2000, help="how many (default 2000)")
    parser.add_argument("--plain-yaml", action="store_true", help="plain .yaml files instead of front matter")
    args = parser.parse_args(argv)
    paths = write_corpus(args.directory, args.records, plain_yaml=args.plain_yaml)
    print(f"{len(paths)} seed file(s) written to {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
