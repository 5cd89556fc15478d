from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "zugong.inquiries"
    verbose_name = "大调研与问题清单"
