"""SellerDesk project package.

The Celery app is loaded by ``sellerdesk.core.apps.CoreConfig.ready`` rather than here,
so that importing the pure policy engine (``sellerdesk.policy``) pulls in no Django or Celery.
"""
