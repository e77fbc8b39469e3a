"""The Textual shell: presents the core, holds no logic of its own."""
