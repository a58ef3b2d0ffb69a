"""VERIFY.txt, the instructions packed into every evidence package (private).

Chinese first, then English, for a court clerk's IT staff: what each member is, the command that
checks everything, and how to check the hashes and the signature by hand with common tools.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def verify_text(manifest: Mapping[str, Any], kid: str) -> str:
    """Return VERIFY.txt for a package: how to check it by hand, Chinese first, then English."""
    case = ", ".join(f"{key}={value}" for key, value in sorted(manifest["case"].items()))
    return _VERIFY_TEMPLATE.format(
        case=case or "-", created=manifest["createdAt"], issuer=manifest["issuer"], kid=kid
    )


_VERIFY_TEMPLATE = """\
电子证据包核验说明
==================

本证据包由 {issuer} 于 {created}（UTC）生成。案件：{case}。

包内内容
  manifest.json      清单：每个文件的路径（path）、原始文件名（name）、类别（kind）、大小（size，字节）、
                     SHA-256 值（sha256）、添加人（addedBy）与添加时间（addedAt），以及是否已撤回
                     （withdrawn；已撤回的材料仍保留在记录中并标注为 true）。
  manifest.sig.json  平台对 manifest.json 原始字节的 Ed25519 分离式签名（alg、kid、signature、signedAt）。
  timeline.json      案件的哈希链时间线。
  files/             各证据文件，与提交时逐字节一致。
  VERIFY.txt         本说明（不在签名范围内，仅供参考）。

一、用命令核验（退出码：0 有效，1 无效，2 无法判定）
  python -m certificates verify-package FILE.zip [--jwks JWKS.json | --trust-bundle TRUST.json]
  JWKS.json 为平台公布的密钥集（/.well-known/jwks.json），TRUST.json 为平台签名的信任包
  （/api/v1/trust-bundle）。

二、手工核验
  1. 哈希：解压后计算每个文件的 SHA-256，与 manifest.json 中相同 path 的 sha256、size 逐一比对。
       Linux：sha256sum timeline.json files/*    macOS：shasum -a 256 timeline.json files/*
       Windows：certutil -hashfile 文件名 SHA256
     除 manifest.json、manifest.sig.json、VERIFY.txt 外，ZIP 中不应有清单未列出的文件。
  2. 签名：在平台密钥集 /.well-known/jwks.json 中找到 kid 为 {kid}、role 为 "package" 的密钥，
     确认它在 signedAt 时有效（在 activatedAt 之后，未在此前退役或撤销）；signedAt 必须等于
     manifest.json 中的 createdAt。签名对象是 manifest.json 文件的原始字节（不得重新排版）。
     使用 OpenSSL 3（X 为该密钥的 x 值，S 为 manifest.sig.json 中的 signature 值）：
       ( printf 302a300506032b6570032100 | xxd -r -p; printf '%s=' "$X" | tr _- /+ | base64 -d ) > pub.der
       printf '%s==' "$S" | tr _- /+ | base64 -d > sig.bin
       openssl pkeyutl -verify -pubin -keyform DER -inkey pub.der -rawin -in manifest.json -sigfile sig.bin
     输出 "Signature Verified Successfully" 即签名有效。
  3. 时间线：timeline.json 中每条记录的 prev_hash 应等于前一条记录的 hash（seq 为 1 的记录从 64 个 0
     开始）。重算每条 hash 需要平台的规范事件格式，由平台完成；离线只核验链接关系。

Evidence package: how to verify it
==================================

This package was created by {issuer} at {created} (UTC). Case: {case}.

Contents
  manifest.json      the manifest: each file's path, original name, kind, size in bytes, SHA-256 (sha256),
                     who added it (addedBy) and when (addedAt), and whether it was withdrawn (a withdrawn
                     piece stays in the record, marked "withdrawn": true).
  manifest.sig.json  the platform's detached Ed25519 signature over the exact bytes of manifest.json
                     (alg, kid, signature, signedAt).
  timeline.json      the case's hash-chained timeline.
  files/             the evidence files, byte for byte as submitted.
  VERIFY.txt         this text (not signed; for guidance only).

1. With the command (exit status 0 valid, 1 invalid, 2 indeterminate)
  python -m certificates verify-package FILE.zip [--jwks JWKS.json | --trust-bundle TRUST.json]
  JWKS.json is the platform's published key set (/.well-known/jwks.json); TRUST.json its signed trust
  bundle (/api/v1/trust-bundle).

2. By hand
  1. Hashes: unpack, compute the SHA-256 of every file and compare it, and the size, with the entry of
     the same path in manifest.json (commands above: sha256sum, shasum -a 256, certutil -hashfile).
     Apart from manifest.json, manifest.sig.json and VERIFY.txt the ZIP holds nothing the manifest
     does not list.
  2. Signature: in the platform's key set /.well-known/jwks.json take the key with kid {kid} and
     role "package"; check it was valid at signedAt (after activatedAt, not retired or revoked before);
     signedAt must equal createdAt in manifest.json. The signature covers the exact bytes of the
     manifest.json file (do not reformat it). With OpenSSL 3, X being the key's x and S the signature
     value from manifest.sig.json, run the three commands above; "Signature Verified Successfully"
     means the signature is valid.
  3. Timeline: in timeline.json each entry's prev_hash equals the previous entry's hash (seq 1 starts
     from 64 zeros). Recomputing each hash needs the platform's canonical event form and is done by the
     platform; offline, the links are checked.
"""
