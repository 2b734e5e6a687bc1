"""Photos in posts: upload, re-encode without metadata, store (local files or S3), serve through
the post's gate, moderate. `web` wires it into the app; `service` holds the rules."""
