"""Converter: the seed's errors in order, the generators it accepts, input conversion,
saving, summary, and exceptions raised inside input functions."""

import numpy as np
import pytest

import tftrt

from conftest import EXAMPLE_DIR, assert_outputs_close, fixture_cases, fixture_model


def make(**params):
    return tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR),
                           conversion_params=tftrt.ConversionParams(**params))


def repeat(value, n=1):
    def input_fn():
        for _ in range(n):
            yield value
    return input_fn


# --- where the seed raises -----------------------------------------------------------------

def test_bad_model_arguments_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="input_saved_model_dir"):
        tftrt.Converter()
    with pytest.raises(ValueError, match="not a directory"):
        tftrt.Converter(input_saved_model_dir=str(tmp_path / "absent"))
    with pytest.raises(ValueError):
        tftrt.Converter(input_saved_model_dir=str(tmp_path))  # no saved_model.pb
    with pytest.raises(ValueError, match="no_such_tag"):
        tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR), input_saved_model_tags=["no_such_tag"])
    with pytest.raises(ValueError, match="no_such_key"):
        tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR),
                        input_saved_model_signature_key="no_such_key")


def test_calibration_function_missing_or_unexpected(example_input):
    with pytest.raises(ValueError, match="Should not specify calibration_input_fn"):
        make().convert(calibration_input_fn=repeat((example_input,)))
    with pytest.raises(ValueError, match="Should specify calibration_input_fn"):
        make(precision_mode="INT8").convert()
    # INT8 without calibration needs no function: the ranges come from quantization ops,
    # and a model without any gets FP16 engines.
    make(precision_mode="INT8", use_calibration=False).convert()


def test_int8_calibration(example_input, tmp_path):
    c = make(precision_mode="INT8")
    fn = c.convert(calibration_input_fn=repeat((example_input,), 3))
    probs = fn(image=example_input)["probs"]
    np.testing.assert_allclose(probs, make().convert()(image=example_input)["probs"], atol=5e-2)
    c.save(str(tmp_path / "int8"))
    assert list((tmp_path / "int8" / "assets").glob("trt-serialized-engine.*"))

    # Every calibration input set must look like the first.
    def mixed():
        yield (example_input,)
        yield (np.concatenate([example_input, example_input]),)

    with pytest.raises(ValueError, match="calibration input set 1: input 'image'"):
        make(precision_mode="INT8").convert(calibration_input_fn=mixed)


def test_int8_accuracy_report_and_error_limit(example_input, tmp_path):
    c = make(precision_mode="INT8")
    c.convert(calibration_input_fn=repeat((example_input,), 3))
    lines = []
    c.summary(print_fn=lines.append, evaluation_input_fn=repeat({"image": example_input}))
    report = lines[0]
    assert "output error against FP32" in report
    layer_lines = [line for line in report.splitlines() if " sensitivity " in line]
    assert layer_lines and not any("kept in FP16" in line for line in layer_lines)
    lines.clear()
    c.summary(print_fn=lines.append, detailed=False)
    assert "INT8 layers" not in lines[0]

    with pytest.raises(ValueError, match="positive"):
        c.limit_int8_error(repeat((example_input,)), 0.0)
    with pytest.raises(ValueError, match="evaluation_input_fn"):
        c.limit_int8_error(None, 0.1)
    with pytest.raises(RuntimeError, match="FP16"):
        c.limit_int8_error(repeat((example_input,)), 1e-12)
    # A bound just below the all-INT8 error keeps at least one layer in FP16.
    error = float(report.split("output error against FP32 ")[1].split()[0])
    c.limit_int8_error(repeat((example_input,)), error * 0.99)
    lines.clear()
    c.summary(print_fn=lines.append)
    assert "kept in FP16" in lines[0]
    c.save(str(tmp_path / "limited"))
    saved = tftrt.saved_model.load(str(tmp_path / "limited"))
    assert "kept in FP16" in saved.summary()
    measured = saved.summary(evaluation_input_fn=repeat({"image": example_input}))
    assert "output error against FP32" in measured and " sensitivity " in measured
    with pytest.raises(ValueError, match="INT8"):
        fp16 = make(precision_mode="FP16")
        fp16.convert()
        fp16.limit_int8_error(repeat((example_input,)), 0.1)


def test_build_errors(example_input):
    c = make()
    with pytest.raises(RuntimeError, match="Need to call convert"):
        c.build(input_fn=repeat((example_input,)))
    with pytest.raises(RuntimeError, match="input_fn is None"):
        c.build(input_fn=None)
    c.convert()
    with pytest.raises(RuntimeError, match="input_fn is None"):
        c.build(None)
    c.build(repeat((example_input,)))
    with pytest.raises(NotImplementedError, match="build\\(\\) is already called"):
        c.build(repeat((example_input,)))


def test_save_and_summary_before_convert(tmp_path):
    c = make()
    with pytest.raises(RuntimeError, match="convert"):
        c.save(str(tmp_path / "out"))
    with pytest.raises(RuntimeError, match="convert"):
        c.summary()


def test_convert_twice():
    c = make()
    c.convert()
    with pytest.raises(RuntimeError):
        c.convert()


def test_error_classes_carry_the_cpp_message(example_input):
    fn = make().convert()
    with pytest.raises(tftrt.errors.InvalidArgumentError) as info:
        fn(image=np.zeros((2, 28, 28, 1), np.float32))
    assert isinstance(info.value, ValueError)
    assert info.value.code == "InvalidArgument"
    assert "image" in info.value.message


def test_save_refuses_non_empty_dir_unless_overwrite(tmp_path, example_input):
    c = make()
    c.convert()
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep").write_text("x")
    with pytest.raises(FileExistsError):
        c.save(str(out))
    with pytest.raises(tftrt.errors.AlreadyExistsError):
        c.save(out)  # os.PathLike
    c.save(out, overwrite=True)
    assert (out / "saved_model.pb").is_file()
    with pytest.raises(ValueError, match="input SavedModel"):
        c.save(EXAMPLE_DIR, overwrite=True)


def test_summary_options(capsys):
    c = make()
    c.convert()
    lines = []
    c.summary(print_fn=lines.append)
    assert "TRTEngineOP Name" in lines[0] and "- Conv2D: 2x" in lines[0]
    c.summary(detailed=False)
    assert "Conv2D" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="line_length"):
        c.summary(line_length=80)


# --- input functions -----------------------------------------------------------------------

class ArrayLike:
    """Has __array__ only (as TF and torch tensors do)."""

    def __init__(self, a):
        self.a = a

    def __array__(self, dtype=None, copy=None):
        return self.a if dtype is None else self.a.astype(dtype)


class DLPackOnly:
    """Has only the DLPack protocol (as a device-agnostic producer)."""

    def __init__(self, a):
        self.a = a

    def __dlpack__(self, **kwargs):
        return self.a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.a.__dlpack_device__()


def yields(example_input):
    x = example_input
    return {
        "tuple": (x,), "list": [x], "dict": {"image": x}, "single": x,
        "array_like": (ArrayLike(x),), "dlpack": (DLPackOnly(x),),
        "float64": (x.astype(np.float64),), "nested_list": (x.tolist(),),
        "non_contiguous": (np.asfortranarray(x),), "big_endian": (x.astype(">f4"),),
    }


@pytest.mark.parametrize("form", ["tuple", "list", "dict", "single", "array_like", "dlpack",
                                  "float64", "nested_list", "non_contiguous", "big_endian"])
def test_accepted_yields_build_engines(form, example_input, example_probs, tmp_path):
    item = yields(example_input)[form]
    c = make(precision_mode="FP32")
    fn = c.convert()
    c.build(input_fn=repeat(item, 2))
    c.save(str(tmp_path / "trt"))
    assert len(list((tmp_path / "trt" / "assets").glob("trt-serialized-engine.*"))) == 1
    # The converted function takes the same forms, by keyword or position.
    value = item["image"] if isinstance(item, dict) else item[0] if isinstance(item, (tuple, list)) else item
    np.testing.assert_allclose(fn(image=value)["probs"], example_probs, atol=1e-5)
    np.testing.assert_allclose(fn(value)["probs"], example_probs, atol=1e-5)


def test_torch_tensors_if_installed(example_input, example_probs):
    torch = pytest.importorskip("torch")
    c = make()
    fn = c.convert()
    c.build(repeat((torch.from_numpy(example_input),)))
    np.testing.assert_allclose(fn(image=torch.from_numpy(example_input))["probs"], example_probs,
                               atol=1e-5)


@pytest.mark.parametrize("item, error, match", [
    ((), ValueError, "yielded 0 input"),
    ({"picture": None}, ValueError, "image"),
    ({"image": np.zeros((1, 28, 28, 1), np.float32), "extra": np.zeros(1)}, ValueError, "extra"),
    ((np.zeros((1, 27, 28, 1), np.float32),), ValueError, "shape"),
    ((np.zeros((1, 28, 28, 1), np.int32),), ValueError, "int32"),
    ((object(),), TypeError, "Failed to convert input to tensor"),
])
def test_bad_yields(item, error, match):
    c = make()
    c.convert()
    if isinstance(item, dict) and item.get("picture", 0) is None:
        item = {"picture": np.zeros((1, 28, 28, 1), np.float32)}
    with pytest.raises(error, match=match):
        c.build(repeat(item))


def test_input_fn_exception_propagates_and_build_can_run_again(example_input):
    def failing():
        yield (example_input,)
        raise ZeroDivisionError("from the generator")

    c = make()
    c.convert()
    with pytest.raises(ZeroDivisionError, match="from the generator"):
        c.build(failing)
    c.build(repeat((example_input,)))  # the failed build did not count


def test_two_inputs_positional_in_sorted_order(tmp_path):
    model = fixture_model("multi_signature")
    cases = fixture_cases("multi_signature")
    c = tftrt.Converter(input_saved_model_dir=str(model),
                        conversion_params=tftrt.ConversionParams(maximum_cached_engines=4))
    fn = c.convert()
    assert [s.name for s in fn.inputs] == ["a", "b"]
    c.build(lambda: iter([(cases[0][0]["a"], cases[0][0]["b"]), [cases[1][0]["a"], cases[1][0]["b"]]]))
    c.save(tmp_path / "trt")
    for inputs, outputs in cases:
        assert_outputs_close(fn(**inputs), outputs)
        assert_outputs_close(fn(inputs["a"], inputs["b"]), outputs)
        assert_outputs_close(fn(inputs["a"], b=inputs["b"]), outputs)
    assert len(list((tmp_path / "trt" / "assets").glob("trt-serialized-engine.*"))) >= 1


def test_other_signature_and_int_inputs():
    model = fixture_model("multi_signature")
    for key in ("ints", "scale"):
        fn = tftrt.Converter(input_saved_model_dir=str(model),
                             input_saved_model_signature_key=key).convert()
        for inputs, outputs in fixture_cases("multi_signature", key):
            assert_outputs_close(fn(**inputs), outputs)
    # Python numbers take the signature's dtype.
    fn = tftrt.Converter(input_saved_model_dir=str(model),
                         input_saved_model_signature_key="scale").convert()
    assert fn(factor=2.0)["scaled"].dtype == np.float32
