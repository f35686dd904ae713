"""ACM's service model as the fake ACM checks requests against it:
botocore's model from tests/data/botocore, plus the members added after
bookworm's botocore that aws-acm.md documents (_patched_model), and
validate_input, which words a refusal as ACM's ValidationException.
"""
import copy

import botocore.model
import botocore.session
import botocore.validate

from .common import MODELS_DIR, once
from .model_check import _constraint_errors


def models_dir():
    """tests/data/botocore: the pinned botocore models (their README)."""
    return MODELS_DIR


def _patched_model():
    """botocore's ACM model, plus the members added after bookworm's
    botocore 1.29.27 that aws-acm.md documents (§2.1, §2.3):
      RequestCertificate: ValidationMethod HTTP, Options.Export,
                          ManagedBy (CLOUDFRONT)
      ListCertificates:   CertificateKeyPairOrigins, Includes.exportOption,
                          Includes.managedBy
    Adding them to the model (instead of special-casing them) keeps one
    validator for everything, so any other unknown member is still
    rejected. Members already present in a newer botocore are left alone.
    """
    loader = botocore.session.get_session().get_component("data_loader")
    # The pinned model (tests/data/botocore), ahead of Debian's.
    loader.search_paths.insert(0, models_dir())
    d = copy.deepcopy(loader.load_service_model("acm", "service-2",
                                                api_version="2015-12-08"))
    shapes = d["shapes"]
    shapes.setdefault("ExportOption", {"type": "string",
                                       "enum": ["ENABLED", "DISABLED"]})
    shapes.setdefault("CertificateManagedBy", {"type": "string",
                                               "enum": ["CLOUDFRONT"]})
    shapes.setdefault("CertificateKeyPairOrigin", {
        "type": "string", "enum": ["AWS_MANAGED", "ACME", "CUSTOMER_PROVIDED"]})
    shapes.setdefault("CertificateKeyPairOriginList", {
        "type": "list", "member": {"shape": "CertificateKeyPairOrigin"},
        "min": 1, "max": 3})
    vm = shapes["ValidationMethod"]["enum"]
    if "HTTP" not in vm:
        vm.append("HTTP")
    shapes["CertificateOptions"]["members"].setdefault(
        "Export", {"shape": "ExportOption"})
    shapes["RequestCertificateRequest"]["members"].setdefault(
        "ManagedBy", {"shape": "CertificateManagedBy"})
    shapes["Filters"]["members"].setdefault("exportOption",
                                            {"shape": "ExportOption"})
    shapes["Filters"]["members"].setdefault("managedBy",
                                            {"shape": "CertificateManagedBy"})
    shapes["ListCertificatesRequest"]["members"].setdefault(
        "CertificateKeyPairOrigins", {"shape": "CertificateKeyPairOriginList"})
    return botocore.model.ServiceModel(d, service_name="acm")


service_model = once(_patched_model)


def validate_input(op_name, params):
    """Returns None or a ValidationException message."""
    shape = service_model().operation_model(op_name).input_shape
    if shape is None:
        return None
    report = botocore.validate.ParamValidator().validate(params, shape)
    if report.has_errors():
        return report.generate_report()
    errs = []
    _constraint_errors(params, shape, "", errs)
    if not errs:
        return None
    parts = [f"Value '{v}' at '{p}' failed to satisfy constraint: {why}"
             for p, v, why in errs]
    n = len(errs)
    return (f"{n} validation error{'s' if n > 1 else ''} detected: "
            + "; ".join(parts))
