"""The Wildberries connector: questions, reviews (feedbacks) and buyer chat.

Pieces, each in its own module:

* ``client``    — one httpx method per documented endpoint; classifies failures into
  ``errors`` (network / server / rate-limited / auth / request) and says whether the
  request may have taken effect (``outcome_unknown``).
* ``limiter``   — a token bucket per (token fingerprint, endpoint group) in Redis (Lua,
  Redis clock), with the burst/interval figures of the contract; shared by all workers.
* ``connector`` — ``MarketplaceConnector`` for Wildberries: reads an item back before
  answering it so a retry after a lost response does not publish twice.
* ``sync``      — questions, feedbacks and chat events since the stored cursors, one
  transaction per page (staging upsert + app hooks + cursor).

The contract is /work/shared/reference/wildberries-communications.yaml; the local fake that
implements it for tests and the demo is tests/marketplaces/wb_fake.py
(``manage.py wb_fake_server``).
"""
