"""The user's settings file (`config.toml` in the platform config directory).

Keys: `theme`, `theme_16` (the theme for 16-colour terminals), `lang`, and a `[keymap]`
table of binding id -> keys, e.g. `"reader.next_paragraph" = "j,down"`. A broken file gives
one warning, never a crash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

APP_NAME = "kabar-tui"


def config_dir() -> Path:
    override = os.environ.get("KABAR_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(slots=True)
class Config:
    theme: str | None = None
    theme_16: str | None = None  # chosen on a 16-colour terminal, kept apart from `theme`
    lang: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    if not path.is_file():
        return Config()
    import tomllib  # only with a file to read: every command loads the settings

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(warnings=[f"{path}: ignored, not valid TOML ({error})"])
    config = Config()
    for key in ("theme", "theme_16", "lang"):
        value = data.get(key)
        if isinstance(value, str):
            setattr(config, key, value)
        elif value is not None:
            config.warnings.append(f"{path}: `{key}` should be a string")
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        config.keymap = {str(k): str(v) for k, v in keymap.items() if isinstance(v, str)}
    else:
        config.warnings.append(f"{path}: `[keymap]` should be a table")
    return config


def save_setting(key: str, value: str, path: Path | None = None) -> None:
    """Remember one top-level string setting, keeping the rest of the file."""
    path = path or config_path()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    entry = f"{key} = {_toml_string(value)}"
    for i, line in enumerate(lines):
        if line.split("=")[0].strip() == key and not line.lstrip().startswith("["):
            lines[i] = entry
            break
    else:
        lines.insert(0, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
