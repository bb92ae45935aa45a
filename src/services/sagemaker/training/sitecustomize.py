# Loaded by every Python process of a UniStudio training job (its directory is on PYTHONPATH).
#
# boto3 and botocore clients created inside the job must reach UniStudio, whose address is in
# AWS_ENDPOINT_URL. botocore honours that variable from release 1.31 on; older releases (Debian
# 12 ships 1.29) ignore it, so for them create_client gets the endpoint from the environment
# (AWS_ENDPOINT_URL_<SERVICE> first, as newer botocore does). The patch is applied when
# botocore.session is first imported, so processes that never use boto3 pay nothing.
# Afterwards the next sitecustomize on sys.path (the system's own) still runs.
import os
import sys


def _unistudio_patch_session(module):
    import botocore

    try:
        version = tuple(int(part) for part in botocore.__version__.split(".")[:2])
    except ValueError:
        return
    if version >= (1, 31):
        return
    original = module.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        # endpoint_url is the fifth parameter after service_name.
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            key = "AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_").replace(" ", "_")
            endpoint = os.environ.get(key) or os.environ.get("AWS_ENDPOINT_URL")
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        return original(self, service_name, *args, **kwargs)

    module.Session.create_client = create_client


def _unistudio_install():
    if not os.environ.get("AWS_ENDPOINT_URL"):
        return
    import importlib.abc
    import importlib.machinery

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "botocore.session":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def patched(module):
                exec_module(module)
                _unistudio_patch_session(module)

            spec.loader.exec_module = patched
            return spec

    sys.meta_path.insert(0, Finder())


def _unistudio_chain():
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        directory = os.path.abspath(entry or ".")
        candidate = os.path.join(directory, "sitecustomize.py")
        if directory == here or not os.path.isfile(candidate):
            continue
        with open(candidate) as f:
            code = compile(f.read(), candidate, "exec")
        exec(code, {"__name__": "sitecustomize", "__file__": candidate})
        return


_unistudio_install()
_unistudio_chain()
