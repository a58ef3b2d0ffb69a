"""Shapes of the certificate and transparency API (DESIGN.md §9), for responses and the OpenAPI file."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CertificateListItem(BaseModel):
    id: str
    number: str
    status: str
    kind: str = Field(default="exit", description="exit (exit certificate) | exemption (exemption decision)")


class CertificateList(BaseModel):
    items: list[CertificateListItem]
    page: int
    per_page: int
    total: int


class CertificateBundleDocument(BaseModel):
    """The bundle: the credential with its proof, and where it sits in the transparency log."""

    credential: dict[str, Any]
    transparency: dict[str, Any]


class VerifiableCredentialDocument(BaseModel):
    """A W3C Verifiable Credential 2.0 secured by its Data Integrity proofs, byte for byte as signed: a proof
    set of an eddsa-jcs-2022 proof and an sm2-jcs-2026 proof (older credentials: the Ed25519 proof alone)."""

    model_config = ConfigDict(extra="allow")

    context: list[str] = Field(alias="@context")
    id: str
    type: list[str]
    issuer: str | dict[str, Any]
    validFrom: str  # noqa: N815  (the wire format's name)
    credentialSubject: dict[str, Any]  # noqa: N815
    proof: list[dict[str, Any]] | dict[str, Any]


class TrustBundleDocument(BaseModel):
    """Keys, status lists and the latest checkpoint, signed by the Ed25519 root key and the SM2 root key."""

    payload: dict[str, Any]
    signature: dict[str, Any]
    sm2Signature: dict[str, Any] | None = Field(  # noqa: N815
        default=None, description='{"kid", "alg": "SM2", "value"}: SM2/SM3 over the same RFC 8785 bytes'
    )


class KeySetDocument(BaseModel):
    keys: list[dict[str, Any]]


class CheckpointDocument(BaseModel):
    origin: str
    treeSize: int  # noqa: N815  (the wire format's name)
    rootHash: str  # noqa: N815
    time: str | None
    checkpoint: str = Field(description="The C2SP signed note text")


class InclusionProofDocument(BaseModel):
    leafIndex: int  # noqa: N815
    treeSize: int  # noqa: N815
    hashes: list[str]


class ConsistencyProofDocument(BaseModel):
    first: int
    second: int
    hashes: list[str]


class LogEntriesDocument(BaseModel):
    entries: list[dict[str, Any]]


class VerifyRequest(BaseModel):
    """Exactly one of: a bundle, a scanned QR string / URL, or a certificate number. A PDF or JSON file
    may instead be sent as multipart/form-data in the field `file`."""

    bundle: dict[str, Any] | None = None
    qr: str | None = None
    number: str | None = None


class CheckResult(BaseModel):
    name: str
    outcome: str = Field(description="pass | fail | indeterminate | skipped")
    code: str | None
    detail: str
    label: str


class SigningKeyFacts(BaseModel):
    kid: str
    status: str = Field(description="active | retired | revoked | unknown")
    algorithm: str
    cryptosuite: str | None = Field(default=None, description="eddsa-jcs-2022 | sm2-jcs-2026")


class VerificationResult(BaseModel):
    verdict: str = Field(description="valid | invalid | indeterminate")
    status: str | None = Field(description="active | revoked | suspended, when known")
    certificateId: str | None  # noqa: N815
    number: str | None
    credentialType: str | None = Field(  # noqa: N815
        default=None, description="SandboxExitCertificate | SandboxLiabilityExemption"
    )
    credentialSha256: str | None  # noqa: N815
    issuedAt: str | None  # noqa: N815
    printedQrCompared: bool | None = None  # noqa: N815
    signingKey: SigningKeyFacts | None = Field(  # noqa: N815
        default=None, description="The Ed25519 key that signed the credential and its state in the key set"
    )
    signingKeys: list[SigningKeyFacts] = Field(  # noqa: N815
        default_factory=list, description="One per proof of the set: the Ed25519 key, then the SM2 key"
    )
    rootFingerprint: str | None = Field(  # noqa: N815
        default=None, description="The root key the evidence was trusted through (offline verifier only)"
    )
    sealBinding: str | None = Field(  # noqa: N815
        default=None,
        description="A PDF's seal: the SM2 signature digest it prints (first 8 bytes of SM3 of the "
        "signature, hex in groups of four), once found equal to the credential's",
    )
    superseded: dict[str, str] | None = Field(
        default=None, description='{"at", "by"}: this credential was re-issued with both proofs at "at"; '
        '"by" is the SHA-256 (hex) of the credential that replaced it'
    )
    sm2RootFingerprint: str | None = Field(  # noqa: N815
        default=None, description="The SM2 root key that signed the trust bundle beside it (offline only)"
    )
    checks: list[CheckResult]


class StatusChangeRequest(BaseModel):
    action: str = Field(description="revoke | suspend | reinstate")
    reason: str


class ReissueRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why, e.g. the holder asked for it.")


class ReissueResult(BaseModel):
    id: str
    number: str
    credentialSha256: str  # noqa: N815
    supersedes: str = Field(description="The digest (hex) of the Ed25519-only credential it replaces")
    cryptosuites: list[str]


class StatusChangeResult(BaseModel):
    id: str
    number: str
    status: str
