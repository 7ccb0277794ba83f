"""Password hashing for people who sign at a tablet several times an hour.

Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) instead of Django's
defaults (100 MiB, 8 lanes) or PBKDF2 (about a second per check on two cores): a badge
sign-in or an inspector's countersignature must not hold a server worker for a second while
every other tablet waits. Hashes made with other parameters still verify and are upgraded
at the next successful check.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ShopFloorArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
