"""Print a new encryption key for ZUGONG_SUPERVISION_KEYS: `python -m zugong.supervision.keys`."""

from cryptography.fernet import Fernet

if __name__ == "__main__":
    print(Fernet.generate_key().decode())
