"""Who is asking: password hashing, access and refresh tokens, API keys, the principal; and
what they may see: encryption of identifiers at rest (``crypto``, ``data_keys``) and masking.

Pure functions and values (the standard library, argon2-cffi, PyJWT and cryptography): no
database and no settings; callers pass keys and lifetimes in. ``models.commands.users`` stores
what these make, ``api.authentication`` reads the request's credentials with them.
"""
