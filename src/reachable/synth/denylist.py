"""Names that synthetic data must never produce: people named in the partnership's source documents.

Stored only as SHA-256 of the lower-case full name, so the names themselves are not in the code.
"""

from __future__ import annotations

import hashlib

DENIED_NAME_HASHES = frozenset(
    {
        "95e481ee6545d54402ac04e79aa225238e74e23b142932970fd7fe9ce632efd4",
        "785829178454da1108fd6ce390de9f2a4e6600b19184e29d1d2a1358922fe105",
        "7195ee168c6764556a6b20bfbf3241fbdb8ce26eace2ec82c4aa1f1c314edf0a",
        "107b3c854837d457457e7f142727a7360b55476c4b74323184f28555a603faae",
        "078ad9714bb6cb27604f427fba85b5294b33b9899ad9ce53f56d9874fceae49e",
        "dcbda161bcf80f572e281864fcea4d3002952c494674c52ad131947278ba287f",
        "2292c0257f8238c26742d11635822b7e46d15550fb4298427b8ca70f8ee7d610",
        "90902ebb3d8ead17d296be273d0075a461706096e11e567504583fbf21eb42d5",
        "837a366b4166e8171744a7703d3be7565ae23773c80067105ef62cbd4addbfd2",
        "301d66b752b5a998459e0bdf09eb69cb8dbaa3e2941c112f03014ff99e086559",
        "b733abd56b7c4f52b819442bc1beabcbfc68c9b73d04045011aee097e063ecea",
        "ac086144a1e5a01f59e23b1bfb310f2afbcab628d4ffa4db9250f7b6cc3e573f",
        "3308acb68e2c8d104be7e6d9d1513f04eab737b7db3d2e458aba0dbd20c960b4",
    }
)


def is_denied(given: str, family: str) -> bool:
    full = f"{given} {family}".strip().lower()
    return hashlib.sha256(full.encode("utf-8")).hexdigest() in DENIED_NAME_HASHES
