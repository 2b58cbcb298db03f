"""Who is asking: password hashing, access and refresh tokens, API keys, the principal.

Pure functions and values (the standard library, argon2-cffi and PyJWT): no database and no
settings; callers pass keys and lifetimes in. ``models.commands.users`` stores what these make,
``api.authentication`` reads the request's credentials with them.
"""
