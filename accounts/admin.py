from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "id", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "email")
    readonly_fields = ("id", "date_joined", "last_login")
    fieldsets = ((None, {"fields": ("id",)}), *DjangoUserAdmin.fieldsets)
