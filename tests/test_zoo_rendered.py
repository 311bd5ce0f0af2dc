"""The zoo's rule-based image family (engine/zoo/rendered.py): digits typeset from fonts and normalised like the
reference's figures."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.zoo.rendered import INK, font_files, glyph, reference_geometry, render


@pytest.fixture(scope="module")
def mnist():
    return load_spec("builtin:mnist[0:300]").x


def test_every_font_found_draws_the_digits_as_different_shapes():
    fonts = font_files()
    assert len(fonts) >= 10  # matplotlib's and reportlab's text fonts (both are dependencies)
    for path in fonts:
        one, eight = (np.asarray(glyph(path, c, 40, np.random.default_rng(0))) for c in "18")
        assert one.size and eight.size and one.shape != eight.shape, path  # not one box for every character


def test_rendered_figures_keep_the_reference_s_size_place_and_brightness(mnist):
    sides, centres, peaks = reference_geometry(mnist)
    drawn = render(mnist, 200, seed=4)
    assert drawn.shape == (200,) + mnist.shape[1:] and drawn.dtype == np.float32
    found_sides, found_centres, found_peaks = reference_geometry(drawn)
    assert len(found_sides) == 200  # every one holds a figure
    assert sides.min() - 2 <= found_sides.min() and found_sides.max() <= sides.max()
    np.testing.assert_allclose(np.median(found_centres, axis=0), np.median(centres, axis=0), atol=1.0)
    np.testing.assert_allclose(found_peaks.max(), peaks.max(), atol=1e-6)
    assert (drawn == 0).mean() > 0.5  # a blank background, as the reference's
    np.testing.assert_array_equal(drawn[:5], render(mnist, 5, seed=4)[:5])


def test_a_reference_without_figures_is_refused():
    with pytest.raises(ValueError, match="no figures"):
        reference_geometry(np.full((4, 1, 8, 8), INK / 2, np.float32))


def test_the_rendered_family_is_trained_only_when_named():
    from engine.zoo.families import choose, families_for

    assert "rendered" in families_for("image") and "rendered" not in choose([], "image")
    assert choose(["rendered"], "image") == ["rendered"]
