"""Staff pages (/standards/): 标准化规范化 checklists, yearly scores, 星级 and 软弱涣散整顿."""

app_name = "standards"

urlpatterns: list = []
