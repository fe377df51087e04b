"""The Simplified Chinese translation is complete, matches the code and is compiled fresh."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

import ui.desktop
from ui.desktop.bootstrap import I18N_DIR

SOURCE_DIR = Path(ui.desktop.__file__).parent
TS = I18N_DIR / "zh_CN.ts"
QM = I18N_DIR / "zh_CN.qm"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
MNEMONIC = re.compile(r"&(?!&)")

Key = tuple[str, str]  # (context, source text)


def ts_messages() -> dict[Key, ET.Element]:
    messages: dict[Key, ET.Element] = {}
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            messages[(name, message.findtext("source") or "")] = message
    return messages


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _calls(tree: ast.AST, context: str | None) -> Iterator[tuple[Key | None, ast.Call]]:
    """(key, call) for each translation call; key is None when lupdate could not read it."""
    for node in ast.iter_child_nodes(tree):
        inner = node.name if isinstance(node, ast.ClassDef) else context
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "tr" and isinstance(node.func.value, ast.Name):
                text = _literal(node.args[0]) if node.args else None
                yield ((inner, text) if inner and text is not None else None), node
            elif node.func.attr == "translate" and getattr(node.func.value, "id", "") in (
                "QCoreApplication",
                "QApplication",
            ):
                ctx, text = (_literal(a) for a in node.args[:2])
                yield ((ctx, text) if ctx is not None and text is not None else None), node
        yield from _calls(node, inner)


def code_messages() -> dict[Key, str]:
    """Every translatable string in ui/desktop, as lupdate sees it, with where it is."""
    found: dict[Key, str] = {}
    for path in sorted(SOURCE_DIR.rglob("*.py")):
        for key, call in _calls(ast.parse(path.read_text(encoding="utf-8")), None):
            where = f"{path.relative_to(SOURCE_DIR)}:{call.lineno}"
            assert key is not None, f"{where}: tr() needs a literal string lupdate can extract"
            found[key] = where
    return found


def test_every_message_is_translated() -> None:
    messages = ts_messages()
    assert messages
    problems = []
    for (context, source), message in messages.items():
        translation = message.find("translation")
        kind = None if translation is None else translation.get("type")
        text = "" if translation is None else (translation.text or "")
        if kind in ("unfinished", "vanished", "obsolete") or not text.strip():
            problems.append(f"{context}: {source!r} ({kind or 'empty'})")
    assert problems == [], "untranslated or stale entries in zh_CN.ts"


def test_translations_keep_placeholders_and_mnemonics() -> None:
    for (context, source), message in ts_messages().items():
        text = message.findtext("translation") or ""
        where = f"{context}: {source!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), where
        assert len(MNEMONIC.findall(text)) == len(MNEMONIC.findall(source)), where


def test_ts_matches_the_code() -> None:
    in_code = code_messages()
    in_ts = set(ts_messages())
    missing = {f"{where}: {key}" for key, where in in_code.items() if key not in in_ts}
    assert not missing, "run pyside6-lupdate (see ui/desktop/i18n/README) and translate"
    assert in_ts - set(in_code) == set(), "zh_CN.ts has entries no code uses (lupdate -no-obsolete)"


def test_qm_answers_every_ts_message() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for (context, source), message in ts_messages().items():
        expected = message.findtext("translation")
        assert translator.translate(context, source) == expected, f"{context}: {source!r}"


def _lrelease() -> str | None:
    beside_python = Path(sys.executable).with_name("pyside6-lrelease")
    return str(beside_python) if beside_python.exists() else shutil.which("pyside6-lrelease")


def test_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    lrelease = _lrelease()
    if lrelease is None:
        pytest.skip("pyside6-lrelease not installed")
    fresh = tmp_path / "zh_CN.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "run pyside6-lrelease on zh_CN.ts"
