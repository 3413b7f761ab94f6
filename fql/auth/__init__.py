"""Authentication: password hashing, secrets, and how a secret becomes the caller's identity and role."""
