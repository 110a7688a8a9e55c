"""moto's server, with the read calls moto does not serve that the native lister makes for every
estate using the service, each answered "none": EKS's ListAddons, and GuardDuty's ListMembers,
ListIPSets, ListThreatIntelSets, ListFilters, ListPublishingDestinations and
DescribeOrganizationConfiguration (refused as for an account that is not a delegated
administrator). The scenarios make none of those objects; their listers are tested against the
APIs' response shapes in `live::aws::eks` and `live::aws::guardduty`. Without these every scan
of an estate with EKS or GuardDuty types against moto is partial. Arguments are moto_server's."""

import json
import sys

import moto.eks.urls
import moto.guardduty.urls
from moto.server import main


def _none(body, status=200, error=None, unless=None):
    """A handler answering `body` to a GET; other methods go to `unless` (moto's own)."""

    def handler(request, full_url, headers):
        if request.method != "GET":
            if unless is not None:
                return unless(request, full_url, headers)
            # A write moto cannot do must not look done.
            return 501, {"Content-Type": "application/json"}, '{"message": "not served by moto"}'

        out = {"Content-Type": "application/json"}
        if error:
            out["x-amzn-ErrorType"] = error
        return status, out, json.dumps(body)

    return handler


moto.eks.urls.url_paths["{0}/clusters/(?P<name>[^/]+)/addons$"] = _none({"addons": []})

_detector = "{0}/detector/(?P<detector_id>[^/]+)"
_guardduty = moto.guardduty.urls.url_paths
_guardduty[_detector + "/member$"] = _none({"members": []})
_guardduty[_detector + "/ipset$"] = _none({"ipSetIds": []})
_guardduty[_detector + "/threatintelset$"] = _none({"threatIntelSetIds": []})
_guardduty[_detector + "/publishingDestination$"] = _none({"destinations": []})
_guardduty[_detector + "/filter$"] = _none(
    {"filterNames": []}, unless=_guardduty[_detector + "/filter$"]
)
_guardduty[_detector + "/admin$"] = _none(
    {"message": "The request is rejected because the current account is not the delegated administrator."},
    status=400,
    error="BadRequestException",
)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
