from django.apps import AppConfig


class ScaleConfig(AppConfig):
    name = "wangge.scale"
    verbose_name = "城市规模 (合成数据与基准)"
