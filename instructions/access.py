"""Who may see which revision: drafts only those who may preview (not-visible answers as not-found)."""

from instructions.permissions import PREVIEW_REVISION


def may_see(user, revision) -> bool:
    if revision is None:
        return False
    if revision.is_draft and not user.has_perm(PREVIEW_REVISION):
        return False
    return True
