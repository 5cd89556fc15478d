from zugong.cadres.views import adjustments, archive, growth, lrmx, selection, stats, units

app_name = "cadres"

# Each page module keeps its own urlpatterns, so the parts of the app stay apart.
urlpatterns = [
    *units.urlpatterns,
    *archive.urlpatterns,
    *lrmx.urlpatterns,
    *growth.urlpatterns,
    *adjustments.urlpatterns,
    *stats.urlpatterns,
    *selection.urlpatterns,
]
