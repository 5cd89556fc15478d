from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zugong.campaigns"
    verbose_name = "示范创建"
