from django.contrib import admin

from sellerdesk.replycheck.models import ShopPolicy


@admin.register(ShopPolicy)
class ShopPolicyAdmin(admin.ModelAdmin):
    list_display = ("shop", "updated_at", "updated_by")
    list_select_related = ("shop", "updated_by")
    # Managers edit rules through the validated settings page; the admin only shows them.
    readonly_fields = ("shop", "data", "updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        return False
