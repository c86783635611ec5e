"""Synthetic corpora made from the real seed: same shape and size, distinct article URLs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_SEED = ROOT / "seeds" / "000_d663f88f6a665438.txt"
ARTICLE = "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/"
CACHED_ARTICLE = ARTICLE.replace("https://", "reason-com.cdn.ampproject.org/c/s/")


def record_text(index: int) -> str:
    """The real seed with its own article URL (so the duplicate rule stays quiet) and a numbered title."""
    text = REAL_SEED.read_text(encoding="utf-8")
    slug = f"https://reason.com/2021/04/09/story-{index:06d}/"
    text = text.replace(CACHED_ARTICLE, slug.replace("https://", "reason-com.cdn.ampproject.org/c/s/"))
    text = text.replace(ARTICLE, slug)
    return text.replace('title: "Cops Are', f'title: "{index} Cops Are', 1)


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
