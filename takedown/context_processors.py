from django.conf import settings


def limits(request):
    """Evidence limits, shown on every form that takes files."""
    return {
        "evidence_max_files": settings.EVIDENCE_MAX_FILES,
        "evidence_max_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
    }
