"""Demo shops, people and products; other apps add their own data through ``<app>.demo.seed``.

Each app that wants demo data provides a module ``demo`` with::

    def seed(*, shop: Shop, products: list[Product], members: dict[Role, User], rng: random.Random) -> None

It is called once per demo shop, right after the shop is created, in app order.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from sellerdesk.core import services
from sellerdesk.core.models import Marketplace, Product, ReplyLanguage, Role, Shop

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoShop:
    key: str
    name: str
    marketplace: Marketplace
    time_zone: str
    language: ReplyLanguage
    products: tuple[tuple[str, str], ...]
    first_names: dict[Role, str]


DEMO_SHOPS = (
    DemoShop(
        key="ru",
        name="Уютный дом",
        marketplace=Marketplace.WILDBERRIES,
        time_zone="Europe/Moscow",
        language=ReplyLanguage.RU,
        products=(
            ("WB-104233", "Кофемолка электрическая, 200 Вт"),
            ("WB-118871", "Плед флисовый 150×200, серый"),
            ("WB-120045", "Набор полотенец, 100% хлопок, 3 шт."),
            ("WB-131902", "Зубная щётка звуковая, 2 насадки"),
            ("WB-145517", "Кукла интерактивная «Маша», 35 см"),
            ("WB-150320", "Чайник стеклянный с подсветкой, 1,7 л"),
        ),
        first_names={Role.SELLER: "Ольга", Role.MANAGER: "Игорь", Role.ADMIN: "Марина"},
    ),
    DemoShop(
        key="zh",
        name="小熊童装旗舰店",
        marketplace=Marketplace.TAOBAO,
        time_zone="Asia/Shanghai",
        language=ReplyLanguage.ZH,
        products=(
            ("TB-20931", "儿童纯棉连帽卫衣 110-150码"),
            ("TB-21044", "女童碎花连衣裙 夏季款"),
            ("TB-21178", "男童牛仔裤 弹力修身"),
            ("TB-21302", "婴儿连体衣 三件装"),
            ("TB-21455", "儿童防水雨衣 带书包位"),
        ),
        first_names={Role.SELLER: "小雨", Role.MANAGER: "王强", Role.ADMIN: "李娜"},
    ),
)


def _marketplace_id(sku: str) -> str:
    """The demo's Wildberries articles are "WB-<nmID>": the marketplace's id is in the name."""
    number = sku.removeprefix("WB-")
    return number if number != sku and number.isdigit() else ""


def demo_login(shop: DemoShop, role: Role) -> str:
    return f"{shop.key}-{role.value}"


def demo_logins() -> list[tuple[str, str, str]]:
    """(login, role, shop) for printing; the password is DEMO_PASSWORD for all."""
    rows = [
        (demo_login(shop, role), str(role.label), shop.name) for shop in DEMO_SHOPS for role in Role
    ]
    rows.append(
        ("owner", f"{Role.ADMIN.label} + Django admin", " & ".join(s.name for s in DEMO_SHOPS))
    )
    return rows


def demo_login_lines() -> list[str]:
    """The logins as aligned columns (widths from the longest entry of each column)."""
    rows = demo_logins()
    login_width = max(len(login) for login, _role, _shop in rows)
    role_width = max(len(role) for _login, role, _shop in rows)
    return [f"  {login:<{login_width}}  {role:<{role_width}}  {shop}" for login, role, shop in rows]


def _user(username: str, first_name: str, *, staff: bool = False):
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=username, defaults={"first_name": first_name}
    )
    user.set_password(DEMO_PASSWORD)
    user.is_staff = user.is_superuser = staff
    user.save()
    return user


def demo_reset() -> None:
    Shop.objects.filter(name__in=[shop.name for shop in DEMO_SHOPS]).delete()
    usernames = [demo_login(shop, role) for shop in DEMO_SHOPS for role in Role] + ["owner"]
    get_user_model().objects.filter(username__in=usernames).delete()


def _app_seeders():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if module.__name__ != __name__ and hasattr(module, "seed"):
            yield module.seed


@transaction.atomic
def demo_seed(*, seed: int = 2026) -> list[Shop]:
    """Create the demo shops that do not exist yet; existing ones are left alone."""
    created: list[Shop] = []
    owner = _user("owner", "Owner", staff=True)
    for spec in DEMO_SHOPS:
        if Shop.objects.filter(name=spec.name).exists():
            continue
        rng = random.Random(f"{seed}-{spec.key}")
        shop = services.shop_create(
            name=spec.name,
            marketplace=spec.marketplace,
            time_zone=spec.time_zone,
            default_language=spec.language,
        )
        members = {}
        for role in Role:
            user = _user(demo_login(spec, role), spec.first_names[role])
            services.membership_grant(shop=shop, user=user, role=role)
            members[role] = user
        services.membership_grant(shop=shop, user=owner, role=Role.ADMIN)
        products: list[Product] = [
            services.product_create(
                shop=shop, sku=sku, name=name, marketplace_id=_marketplace_id(sku)
            )
            for sku, name in spec.products
        ]
        for seeder in _app_seeders():
            seeder(shop=shop, products=products, members=members, rng=rng)
        created.append(shop)
    return created
