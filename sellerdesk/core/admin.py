from django.contrib import admin

from sellerdesk.core.models import Membership, Product, Shop


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "marketplace", "time_zone", "default_language"]
    list_filter = ["marketplace"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "shop"]
    list_filter = ["shop"]
    search_fields = ["sku", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "shop", "role"]
    list_filter = ["shop", "role"]
