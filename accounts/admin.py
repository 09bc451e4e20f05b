from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User
from accounts.names import username_normal_form
from accounts.services import username_is_taken


class UsernameTakenCheck:
    """The players' rule on names in the operators' forms: one name in any case or width
    (accounts/names.py), refused with words rather than left to the unique key's IntegrityError."""

    instance: User
    cleaned_data: dict

    def clean_username(self) -> str:
        username = username_normal_form(self.cleaned_data["username"])
        if username_is_taken(username, other_than=self.instance):
            raise forms.ValidationError("A user with that username already exists, in another case or width.")
        return username


class PlayerCreationForm(UsernameTakenCheck, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class PlayerChangeForm(UsernameTakenCheck, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PlayerChangeForm
    add_form = PlayerCreationForm
    list_display = ("username", "id", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "email")
    readonly_fields = ("id", "date_joined", "last_login")
    fieldsets = ((None, {"fields": ("id",)}), *DjangoUserAdmin.fieldsets)
