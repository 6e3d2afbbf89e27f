"""Judge0 CE's language ids for the runtimes here: its own ids where they name the same
language (71 Python, 63 JavaScript, 74 TypeScript: the ids its clients use, and those the
official SDK's aliases give for the API version /about reports), and its versioned ids for
each runtime of that version; every name says the version that really runs."""

from __future__ import annotations

from compat.runtimes import Language

# Judge0 CE's generic ids: the newest runtime of each language.
NEWEST = {"python": 71, "javascript": 63, "typescript": 74}
# Judge0 CE 1.14's ids of versioned runtimes, keyed by (language, major[.minor]).
VERSIONED = {
    ("python", "3.11"): 92,
    ("python", "3.12"): 100,
    ("javascript", "18"): 93,
    ("javascript", "20"): 97,
    ("javascript", "22"): 102,
}


def judge0_languages(languages: list[Language]) -> dict[int, Language]:
    """{id: language}, by id."""
    ids: dict[int, Language] = {}
    for language in languages:  # newest first
        generic = NEWEST[language.name]
        ids.setdefault(generic, language)
        if ids[generic] is not language and language.name == "typescript":
            continue
        major, minor, _ = language.runtime.version.split(".")
        key = (language.name, major if language.name != "python" else f"{major}.{minor}")
        if key in VERSIONED:
            ids.setdefault(VERSIONED[key], language)
    return dict(sorted(ids.items()))


def judge0_language_name(language: Language) -> str:
    version = language.runtime.version
    if language.name == "python":
        return f"Python ({version})"
    if language.name == "javascript":
        return f"JavaScript (Node.js {version})"
    return f"TypeScript (Node.js {version})"


def judge0_language(language_id: int, language: Language) -> dict:
    """One entry of `GET /languages/<id>`."""
    run = f"{language.runtime.executable.name} {language.entry}"
    return {
        "id": language_id,
        "name": judge0_language_name(language),
        "is_archived": False,
        "source_file": language.entry,
        "compile_cmd": None,
        "run_cmd": run,
    }
