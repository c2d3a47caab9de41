"""Builders for iPhone backups (Finder/iTunes layout), encrypted exactly as iOS does, and WhatsApp's
ChatStorage.sqlite with its Core Data layout. Written from the public descriptions of the formats
(Apple's platform security guide, the projects that read backups); no third-party code or data.

`BackupBuilder` writes `<2 hex>/<sha1(domain-relativePath)>` files, Manifest.db (Files, Properties),
Manifest.plist (keybag, ManifestKey), Info.plist and Status.plist. With a password it builds the
iOS 10.2+ keybag: class keys wrapped (RFC 3394) with PBKDF2-SHA1(PBKDF2-SHA256(password, DPSL, DPIC),
SALT, ITER); every file gets its own AES-256 key, wrapped with its class key and kept in the file's
NSKeyedArchiver `MBFile`; contents are AES-256-CBC with a zero IV and PKCS#7 padding.
"""

from __future__ import annotations

import hashlib
import plistlib
import sqlite3
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

PASSWORD = "correct horse battery"
FAST_DPIC = 10          # small counts for the suite; the keybag carries them, the reader follows
FAST_ITER = 10
REAL_DPIC = 10_000_000  # what iOS writes
REAL_ITER = 10_000
# The key-encryption key PASSWORD gives with the builder's fixed salts at iOS's counts, derived once with
# hashlib (it takes seconds): the builder wraps with it, the reader must derive it itself.
REAL_KEK = bytes.fromhex("8f40f4b6a767cbc3cae2ba62338510aeb06fb9c7770684c292a639d619264a9b")
EPOCH_2001 = datetime(2001, 1, 1, tzinfo=UTC)
WA_DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
UDID = "00008030-001a2b3c4d5e802e"


def _tlv(tag: bytes, value: bytes | int) -> bytes:
    data = struct.pack(">I", value) if isinstance(value, int) else value
    return tag + struct.pack(">I", len(data)) + data


def _seeded(seed: bytes, n: int) -> bytes:
    """Deterministic key material (a fixture must rebuild byte for byte)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:n]


def encrypt(key: bytes, data: bytes) -> bytes:
    p = padding.PKCS7(128).padder()
    padded = p.update(data) + p.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(b"\x00" * 16)).encryptor()
    return enc.update(padded) + enc.finalize()


@dataclass
class Keybag:
    password: str
    dpic: int = FAST_DPIC
    iters: int = FAST_ITER
    class_keys: dict[int, bytes] = field(default_factory=dict)

    def blob(self) -> bytes:
        dpsl, salt = _seeded(b"dpsl", 20), _seeded(b"salt", 20)
        if (self.password, self.dpic, self.iters) == (PASSWORD, REAL_DPIC, REAL_ITER):
            kek = REAL_KEK
        else:
            kek = hashlib.pbkdf2_hmac("sha1", hashlib.pbkdf2_hmac("sha256", self.password.encode(), dpsl, self.dpic,
                                                                  32), salt, self.iters, 32)
        out = (_tlv(b"VERS", 4) + _tlv(b"TYPE", 1) + _tlv(b"UUID", _seeded(b"uuid", 16))
               + _tlv(b"HMCK", _seeded(b"hmck", 40)) + _tlv(b"WRAP", 0) + _tlv(b"SALT", salt)
               + _tlv(b"ITER", self.iters) + _tlv(b"DPWT", 1) + _tlv(b"DPIC", self.dpic) + _tlv(b"DPSL", dpsl))
        for clas in range(1, 12):
            key = _seeded(b"class%d" % clas, 32)
            self.class_keys[clas] = key
            # classes 9-11 ("ThisDeviceOnly") are wrapped with the device key too: not readable off the phone
            wrap = 3 if clas >= 9 else 2
            out += (_tlv(b"UUID", _seeded(b"cu%d" % clas, 16)) + _tlv(b"CLAS", clas) + _tlv(b"WRAP", wrap)
                    + _tlv(b"KTYP", 0) + _tlv(b"WPKY", aes_key_wrap(kek, key)))
        return out


def mbfile(relpath: str, size: int, protection: int, enc_key: bytes | None, mtime: int = 1_700_000_000) -> bytes:
    """The NSKeyedArchiver `MBFile` blob of Manifest.db's `file` column."""
    objs: list = ["$null"]
    root = {"LastModified": mtime, "Birth": mtime, "LastStatusChange": mtime, "Size": size,
            "InodeNumber": 4242, "Mode": 0o100644, "UserID": 501, "GroupID": 501, "Flags": 0,
            "ProtectionClass": protection, "RelativePath": plistlib.UID(2), "$class": plistlib.UID(3)}
    objs.append(root)
    objs.append(relpath)
    objs.append({"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]})
    if enc_key is not None:
        root["EncryptionKey"] = plistlib.UID(4)
        objs.append({"NS.data": enc_key, "$class": plistlib.UID(5)})
        objs.append({"$classname": "NSMutableData", "$classes": ["NSMutableData", "NSData", "NSObject"]})
    arch = {"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": plistlib.UID(1)}, "$objects": objs}
    return plistlib.dumps(arch, fmt=plistlib.FMT_BINARY)


def file_id(domain: str, relpath: str) -> str:
    return hashlib.sha1(f"{domain}-{relpath}".encode()).hexdigest()


class BackupBuilder:
    def __init__(self, root: Path, password: str | None = None, *, dpic: int = FAST_DPIC, iters: int = FAST_ITER,
                 device: str = "Lin's iPhone") -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.device = device
        self.keybag = Keybag(password, dpic, iters) if password else None
        self.keybag_blob = self.keybag.blob() if self.keybag else b""
        self.rows: list[tuple[str, str, str, int, bytes]] = []
        self._n = 0

    def add(self, domain: str, relpath: str, data: bytes, protection: int = 3) -> str:
        fid = file_id(domain, relpath)
        folder = self.root / fid[:2]
        folder.mkdir(exist_ok=True)
        wrapped = None
        if self.keybag is not None:
            self._n += 1
            key = _seeded(f"file{fid}".encode(), 32)
            wrapped = struct.pack("<I", protection) + aes_key_wrap(self.keybag.class_keys[protection], key)
            (folder / fid).write_bytes(encrypt(key, data))
        else:
            (folder / fid).write_bytes(data)
        self.rows.append((fid, domain, relpath, 1, mbfile(relpath, len(data), protection, wrapped)))
        return fid

    def add_dir(self, domain: str, relpath: str) -> None:
        self.rows.append((file_id(domain, relpath), domain, relpath, 2, mbfile(relpath, 0, 4, None)))

    def finish(self, when: datetime | None = None) -> Path:
        when = when or datetime(2024, 6, 1, 12, tzinfo=UTC)
        tmp = self.root / "Manifest.db.tmp"
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        con.executescript("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, "
                          "flags INTEGER, file BLOB);"
                          "CREATE INDEX FilesDomainIdx ON Files(domain);"
                          "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
                          "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);")
        con.executemany("INSERT OR REPLACE INTO Files VALUES (?,?,?,?,?)", self.rows)
        con.execute("INSERT INTO Properties VALUES ('salt', ?)", (b"",))
        con.commit()
        con.close()
        manifest: dict = {"Version": "10.0", "Date": when.replace(tzinfo=None), "SystemDomainsVersion": "24.0",
                          "WasPasscodeSet": True, "IsEncrypted": self.keybag is not None,
                          "Lockdown": {"DeviceName": self.device, "ProductVersion": "17.5", "BuildVersion": "21F79",
                                       "UniqueDeviceID": UDID, "ProductType": "iPhone15,2", "SerialNumber": "F00X"},
                          "Applications": {"net.whatsapp.WhatsApp": {"CFBundleVersion": "24.10.74"}}}
        data = tmp.read_bytes()
        if self.keybag is not None:
            mkey = _seeded(b"manifest", 32)
            manifest["BackupKeyBag"] = self.keybag_blob
            manifest["ManifestKey"] = struct.pack("<I", 4) + aes_key_wrap(self.keybag.class_keys[4], mkey)
            data = encrypt(mkey, data)
        (self.root / "Manifest.db").write_bytes(data)
        tmp.unlink()
        (self.root / "Manifest.plist").write_bytes(plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY))
        info = {"Device Name": self.device, "Display Name": self.device, "Product Type": "iPhone15,2",
                "Product Version": "17.5", "Unique Identifier": UDID.upper(), "Target Identifier": UDID.upper(),
                "Target Type": "Device", "Last Backup Date": when.replace(tzinfo=None), "GUID": "A1B2C3",
                "iTunes Version": "12.13", "Serial Number": "F00X"}
        (self.root / "Info.plist").write_bytes(plistlib.dumps(info))
        status = {"IsFullBackup": False, "Version": "3.3", "BackupState": "new", "Date": when.replace(tzinfo=None),
                  "UUID": "F1E2D3", "SnapshotState": "finished"}
        (self.root / "Status.plist").write_bytes(plistlib.dumps(status, fmt=plistlib.FMT_BINARY))
        return self.root


def random_bytes(seed: str, n: int) -> bytes:
    return _seeded(seed.encode(), n)


def apple_seconds(dt: datetime) -> float:
    return (dt - EPOCH_2001).total_seconds()
