"""Accepting an invitation to a project: sign in or sign up, then accept."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from devjavu.dashboard.views.auth import client_address
from devjavu.projects import invitations

TEMPLATE = "devjavu:dashboard/templates/projects/invitation.html"


@view_config(route_name="invitation.accept", request_method="GET", renderer=TEMPLATE)
def show_invitation(request):
    invitation = invitations.pending_invitation(request.dbsession,
                                                request.matchdict["token"])
    if invitation is None:
        request.response.status = 404
    return {"invitation": invitation, "here": request.path}


@view_config(route_name="invitation.accept", request_method="POST", permission="signed-in",
             renderer=TEMPLATE)
def accept_invitation(request):
    invitation = invitations.pending_invitation(request.dbsession,
                                                request.matchdict["token"])
    if invitation is None:
        request.response.status = 404
        return {"invitation": None, "here": request.path}
    try:
        invitations.accept(request.dbsession, invitation, request.user,
                           ip=client_address(request))
    except invitations.InvitationError:
        request.response.status = 404      # used by another request meanwhile
        return {"invitation": None, "here": request.path}
    request.session.flash(f"Welcome to {invitation.project.name}!")
    return HTTPSeeOther(request.route_url("project.settings",
                                          project=invitation.project.name))
