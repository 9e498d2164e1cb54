"""The city-information-model platform's services: layers, the 3D scene, building objects, terrain, floods and
simulations, spatial analyses."""
