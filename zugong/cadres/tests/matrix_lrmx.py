"""The 任免审批表 files part of the authorization matrix: LRMX import, jobs, single documents."""

from __future__ import annotations

from django.core.files.base import ContentFile

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import CADRE_WRITERS, ROLES, Entry, Objects, only, pk_of
from zugong.cadres.models import CadreFileJob
from zugong.cadres.tests.matrix_base import out_expect, read_expect, write_expect

job = pk_of("cadre_file_job")
cadre = pk_of("cadre")
# The confirm and cancel buttons post back to the job page (a redirect), for the 干部科 only.
writer_redirect = only(CADRE_WRITERS, yes=302)

ENTRIES: dict[str, Entry] = {
    "cadres:lrmx_import": Entry(None, write_expect(), post=True),
    "cadres:file_jobs": Entry(None, read_expect()),
    "cadres:file_job": Entry(job, read_expect(), out_of_scope=out_expect()),
    "cadres:file_job_progress": Entry(job, read_expect(), out_of_scope=out_expect()),
    "cadres:file_job_download": Entry(job, read_expect(), out_of_scope=out_expect()),
    "cadres:lrmx_apply": Entry(job, writer_redirect, post=True, out_of_scope=out_expect()),
    "cadres:lrmx_cancel": Entry(job, writer_redirect, post=True, out_of_scope=out_expect()),
    "cadres:batch_export": Entry(None, read_expect(302), post=True),
    "cadres:cadre_lrmx": Entry(cadre, read_expect(), out_of_scope=out_expect()),
    "cadres:cadre_adform_docx": Entry(cadre, read_expect(), out_of_scope=out_expect()),
    "cadres:cadre_adform_pdf": Entry(cadre, read_expect(), out_of_scope=out_expect()),
}


def _done_job(owner: User) -> CadreFileJob:
    job = CadreFileJob(
        kind=CadreFileJob.Kind.LRMX_EXPORT,
        status=CadreFileJob.Status.DONE,
        original_name="任免审批表.zip",
        scope_path=owner.cadre_scope.path or "-",
        created_by=owner,
        total=1,
        processed=1,
    )
    job.output_file.save("matrix.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    job.save()
    return job


def build(o: Objects, users: dict[str, User]) -> None:
    # A job is private to the account that started it: another account's job is "outside".
    stranger = User.objects.create_user(username="cadre_stranger", role=Role.CADRE_OFFICER)
    foreign = _done_job(stranger)
    for role in ROLES:
        o.put("cadre_file_job", role, True, _done_job(users[role]).pk)
        o.put("cadre_file_job", role, False, foreign.pk)
