from zugong.life.views import appraisal, compliance, meetings

app_name = "life"

# Each page module keeps its own urlpatterns, so the three parts of the app stay apart.
urlpatterns = [*meetings.urlpatterns, *compliance.urlpatterns, *appraisal.urlpatterns]
