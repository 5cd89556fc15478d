from django.contrib.auth import forms as auth_forms

from zugong.core.forms import BootstrapMixin, LabelledErrorsMixin


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意密码区分大小写。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class PasswordChangeForm(BootstrapMixin, LabelledErrorsMixin, auth_forms.PasswordChangeForm):
    pass
