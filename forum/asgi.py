"""ASGI entry point for the server processes."""

from .app import create_app

app = create_app()
